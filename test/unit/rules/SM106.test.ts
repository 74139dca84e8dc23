import { ruleTable } from '../../helpers/lint';

ruleTable('SM106', [
  {
    name: 'sh -c without exec is reported on the command string, and exec is inserted',
    dockerfile: 'FROM python:3.11\nENV PYTHONUNBUFFERED=1\nENTRYPOINT ["sh", "-c", "python train.py"]\n',
    expect: [{ line: 3, text: 'python train.py', message: /takes as \$0 and ignores/ }],
    fixed: 'FROM python:3.11\nENV PYTHONUNBUFFERED=1\nENTRYPOINT ["sh", "-c", "exec python train.py"]\n',
  },
  {
    name: 'with a command list, exec goes before the last command',
    dockerfile: 'FROM python:3.11\nENV PYTHONUNBUFFERED=1\nENTRYPOINT ["/bin/bash", "-ec", "cd /opt/program && python train.py"]\n',
    expect: [{ line: 3, text: 'cd /opt/program && python train.py' }],
    fixed: 'FROM python:3.11\nENV PYTHONUNBUFFERED=1\nENTRYPOINT ["/bin/bash", "-ec", "cd /opt/program && exec python train.py"]\n',
  },
  {
    name: 'a pipeline cannot be exec-ed: reported without a fix',
    dockerfile: 'FROM python:3.11\nENTRYPOINT ["sh", "-c", "python train.py | tee /tmp/log"]\n',
    expect: [{ line: 2, text: 'python train.py | tee /tmp/log' }],
  },
  { name: 'a command string that starts with exec is fine', dockerfile: 'FROM python:3.11\nENTRYPOINT ["sh", "-c", "exec python train.py"]\n', expect: [] },
  { name: 'a last command that is exec-ed is fine', dockerfile: 'FROM python:3.11\nENTRYPOINT ["sh", "-c", "cd /x; exec python train.py"]\n', expect: [] },
  { name: 'a shell running a script file is not sh -c', dockerfile: 'FROM python:3.11\nENTRYPOINT ["bash", "/run.sh"]\n', expect: [] },
  { name: 'a CMD with sh -c is not the ENTRYPOINT', dockerfile: 'FROM python:3.11\nENTRYPOINT ["tini", "--"]\nCMD ["sh", "-c", "python x.py"]\n', expect: [] },
  {
    name: 'a compound command (if … fi) gets no fix: exec cannot go before fi',
    dockerfile: 'FROM python:3.11\nENTRYPOINT ["sh", "-c", "if [ -f /opt/gpu ]; then python g.py; else python c.py; fi"]\n',
    expect: [{ line: 2, text: 'if [ -f /opt/gpu ]; then python g.py; else python c.py; fi' }],
  },
]);
