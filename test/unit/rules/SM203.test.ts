import { ruleTable } from '../../helpers/lint';

ruleTable('SM203', [
  {
    name: 'sagemaker-training without SAGEMAKER_PROGRAM is reported on the install, with a fix per copied script',
    dockerfile: 'FROM python:3.11\nENV PYTHONUNBUFFERED=1\nRUN pip install sagemaker-training\nCOPY src/ /opt/ml/code/\n',
    files: { 'src/train.py': 'x', 'src/utils.py': 'y', 'src/README.md': 'z' },
    expect: [{ line: 3, text: 'sagemaker-training', message: /SAGEMAKER_PROGRAM/ }],
    fixed: 'FROM python:3.11\nENV PYTHONUNBUFFERED=1\nRUN pip install sagemaker-training\nCOPY src/ /opt/ml/code/\nENV SAGEMAKER_PROGRAM=train.py\n',
  },
  {
    name: 'the second fix names the other script',
    dockerfile: 'FROM python:3.11\nENV PYTHONUNBUFFERED=1\nRUN pip install sagemaker-training\nCOPY src/ /opt/ml/code/\n',
    files: { 'src/train.py': 'x', 'src/utils.py': 'y' },
    expect: [{ line: 3, text: 'sagemaker-training' }],
    fixTitle: 'Add ENV SAGEMAKER_PROGRAM=utils.py',
    fixed: 'FROM python:3.11\nENV PYTHONUNBUFFERED=1\nRUN pip install sagemaker-training\nCOPY src/ /opt/ml/code/\nENV SAGEMAKER_PROGRAM=utils.py\n',
  },
  {
    name: 'a SageMaker training base image with code in /opt/ml/code is reported on the COPY',
    dockerfile: 'FROM 763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.1-cpu-py310\nCOPY fit.py /opt/ml/code/\n',
    files: { 'fit.py': 'x' },
    expect: [{ line: 2, text: '/opt/ml/code/' }],
    fixed: 'FROM 763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.1-cpu-py310\nCOPY fit.py /opt/ml/code/\nENV SAGEMAKER_PROGRAM=fit.py\n',
  },
  {
    name: 'SAGEMAKER_PROGRAM set (legacy ENV syntax)',
    dockerfile: 'FROM python:3.11\nRUN pip install sagemaker-training\nCOPY train.py /opt/ml/code/\nENV SAGEMAKER_PROGRAM train.py\n',
    files: { 'train.py': 'x' },
    expect: [],
  },
  {
    name: 'a framework base image without code in /opt/ml/code is fine (code comes with the job)',
    dockerfile: 'FROM 763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.1-cpu-py310\nRUN pip install numpy\n',
    expect: [],
  },
  {
    name: 'an inference Deep Learning Container with a "-sagemaker" tag is not a training image',
    dockerfile:
      'FROM 763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.1.0-gpu-py310-cu118-ubuntu20.04-sagemaker\nCOPY inference.py /opt/ml/code/\n',
    files: { 'inference.py': 'x' },
    expect: [],
  },
]);
