import { ruleTable } from '../../helpers/lint';

ruleTable('SM302', [
  {
    name: 'python train.py in a RUN is reported on the script',
    dockerfile: 'FROM python:3.11\nRUN pip install numpy && python train.py --epochs 1\n',
    expect: [{ line: 2, text: 'train.py', message: /while the image is built/ }],
  },
  { name: 'a train.sh run directly is reported', dockerfile: 'FROM python:3.11\nRUN ./train.sh\n', expect: [{ line: 2, text: './train.sh' }] },
  {
    name: 'the ENTRYPOINT script run at build time is reported',
    dockerfile: 'FROM python:3.11\nWORKDIR /opt/program\nRUN python -u fit.py\nENTRYPOINT ["python", "/opt/program/fit.py"]\n',
    expect: [{ line: 3, text: 'fit.py' }],
  },
  { name: 'an exec-form RUN is checked', dockerfile: 'FROM python:3.11\nRUN ["python3", "train.py"]\n', expect: [{ line: 2, text: 'train.py' }] },
  { name: 'chmod of the training script does not run it', dockerfile: 'FROM python:3.11\nRUN chmod +x /opt/program/train && ls train.py\n', expect: [] },
  { name: 'python -c does not run a script', dockerfile: 'FROM python:3.11\nRUN python -c "import train"\n', expect: [] },
  { name: 'other scripts are fine', dockerfile: 'FROM python:3.11\nRUN python download_weights.py\n', expect: [] },
  {
    name: 'interpreter options with values are skipped',
    dockerfile: 'FROM python:3.11\nRUN python3 -W ignore train.py\n',
    expect: [{ line: 2, text: 'train.py' }],
  },
  {
    name: 'a bash -c string is looked into',
    dockerfile: 'FROM python:3.11\nRUN bash -c "pip install x && python train.py --dry-run"\n',
    expect: [{ line: 2, text: '"pip install x && python train.py --dry-run"' }],
  },
]);
