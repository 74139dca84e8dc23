import { localConfig, ruleTable } from '../../helpers/lint';

ruleTable('SM502', [
  {
    name: 'a serving CMD without ENTRYPOINT or serve program is an error with the CMD fix',
    dockerfile: '# smct kind=inference\nFROM python:3.11\nENV PYTHONUNBUFFERED=1\nCMD ["python", "serve.py"]\n',
    expect: [{ line: 4, text: '["python", "serve.py"]', severity: 'error', message: /"docker run <image> serve", which replaces this CMD/ }],
    fixed: '# smct kind=inference\nFROM python:3.11\nENV PYTHONUNBUFFERED=1\nENTRYPOINT ["python", "serve.py"]\n',
  },
  {
    name: 'nothing to serve on a base we do not know is a warning on the final FROM',
    dockerfile: '# smct kind=inference\nFROM registry.example.com/team/base:1.0\nRUN pip install flask\n',
    expect: [{ line: 2, text: 'registry.example.com/team/base:1.0', severity: 'warning' }],
  },
  {
    name: 'nothing to serve on a catalogued base known to have no serve is an error',
    dockerfile: '# smct kind=inference\nFROM python:3.11\nRUN pip install flask\n',
    expect: [{ line: 2, text: 'python:3.11', severity: 'error', message: /endpoint fails with: exec: "serve": executable file not found/ }],
  },
  {
    name: "a training image with AWS's capability label (accept-bind-to-port) is not a serving image: its CMD is not reported",
    dockerfile:
      'FROM ubuntu:16.04\nLABEL com.amazonaws.sagemaker.capabilities.accept-bind-to-port=true\nENV SAGEMAKER_TRAINING_MODULE=sagemaker_mxnet_container.training:main\nCMD ["/bin/bash"]\n',
    expect: [],
  },
  {
    name: "vLLM's ENTRYPOINT (vllm serve) receives SageMaker's serve and fails: an error on the FROM, even with a CMD of model options",
    dockerfile: '# smct kind=inference\nFROM vllm/vllm-openai:v0.6.3\nCMD ["--model", "/opt/ml/model"]\n',
    expect: [{ line: 2, text: 'vllm/vllm-openai:v0.6.3', severity: 'error', message: /starts the base image's: "vllm serve serve"/ }],
  },
  {
    name: "an ENTRYPOINT of the Dockerfile's own on vLLM's image is what runs: silent",
    dockerfile:
      '# smct kind=inference\nFROM vllm/vllm-openai:v0.6.3\nCOPY --chmod=755 serve.sh /usr/local/bin/serve.sh\nENTRYPOINT ["/usr/local/bin/serve.sh"]\n',
    files: { 'serve.sh': { content: '#!/bin/sh\nexec vllm serve /opt/ml/model --port 8080\n', mode: 0o755 } },
    expect: [],
  },
  {
    name: "a local copy of vLLM's image with the same ENTRYPOINT still fails on serve",
    dockerfile: '# smct kind=inference\nFROM vllm/vllm-openai:v0.6.3\nRUN true\n',
    localImage: () => localConfig({ entrypoint: ['vllm', 'serve'] }),
    expect: [{ line: 2, text: 'vllm/vllm-openai:v0.6.3', severity: 'error' }],
  },
  {
    name: 'a local base whose ENTRYPOINT is tini followed by a script hands serve to that script: silent',
    dockerfile: '# smct kind=inference\nFROM team/server:1\nRUN true\n',
    localImage: () => localConfig({ entrypoint: ['/usr/bin/tini', '--', '/docker-entrypoint.sh'] }),
    expect: [],
  },
  {
    name: "Triton's image carries SageMaker's serve",
    dockerfile: '# smct kind=inference\nFROM nvcr.io/nvidia/tritonserver:24.05-py3\nCOPY model_repository /models\n',
    expect: [],
  },
  {
    name: 'an install of sagemaker-inference makes it an inference image',
    dockerfile: 'FROM python:3.11\nRUN pip install multi-model-server sagemaker-inference\nCMD ["python", "serve.py"]\n',
    expect: [{ line: 3, text: '["python", "serve.py"]' }],
  },
  {
    name: 'a serve script on PATH is found',
    dockerfile: '# smct kind=inference\nFROM python:3.11\nCOPY serve /usr/local/bin/\nCMD ["ignored"]\n',
    files: { serve: { content: '#!/bin/sh\n', mode: 0o755 } },
    expect: [],
  },
  { name: 'an exec-form ENTRYPOINT serves', dockerfile: '# smct kind=inference\nFROM python:3.11\nENTRYPOINT ["python", "-u", "serve.py"]\n', expect: [] },
  {
    name: 'an inference DLC provides serve',
    dockerfile: '# smct kind=inference\nFROM 763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.1-cpu-py310\nCMD ["x"]\n',
    expect: [],
  },
]);
