import { ruleTable } from '../../helpers/lint';

ruleTable('SM204', [
  {
    name: 'SAGEMAKER_PROGRAM naming a file that is not copied is reported on its value',
    dockerfile: 'FROM python:3.11\nRUN pip install sagemaker-training\nCOPY src/ /opt/ml/code/\nENV SAGEMAKER_PROGRAM=main.py\n',
    files: { 'src/train.py': 'x', 'src/lib/util.py': 'y' },
    expect: [{ line: 4, text: 'main.py', message: /Files copied to \/opt\/ml\/code: lib\/util.py, train.py/ }],
  },
  {
    name: 'a file copied from a context folder is found',
    dockerfile: 'FROM python:3.11\nRUN pip install sagemaker-training\nCOPY src /opt/ml/code\nENV SAGEMAKER_PROGRAM=lib/util.py\n',
    files: { 'src/train.py': 'x', 'src/lib/util.py': 'y' },
    expect: [],
  },
  {
    name: 'a single file copied under its own name is found',
    dockerfile: 'FROM python:3.11\nCOPY entry.py /opt/ml/code/train.py\nENV SAGEMAKER_PROGRAM=train.py\n',
    files: { 'entry.py': 'x' },
    expect: [],
  },
  {
    name: 'silent when a COPY comes from another stage',
    dockerfile: 'FROM python:3.11 AS b\nFROM python:3.11\nCOPY --from=b /src /opt/ml/code\nENV SAGEMAKER_PROGRAM=main.py\n',
    expect: [],
  },
  {
    name: 'silent when a RUN writes into /opt/ml/code',
    dockerfile: 'FROM python:3.11\nCOPY a.py /opt/ml/code/\nRUN git clone https://example.com/r /opt/ml/code/r\nENV SAGEMAKER_PROGRAM=r/main.py\n',
    files: { 'a.py': 'x' },
    expect: [],
  },
  {
    name: 'silent when nothing is copied into /opt/ml/code (the job brings the code)',
    dockerfile: 'FROM python:3.11\nENV SAGEMAKER_PROGRAM=main.py\n',
    expect: [],
  },
  {
    name: 'silent when the build context cannot be read',
    dockerfile: 'FROM python:3.11\nCOPY src/ /opt/ml/code/\nENV SAGEMAKER_PROGRAM=main.py\n',
    context: undefined,
    expect: [],
  },
]);
