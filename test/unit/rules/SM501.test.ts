import { ruleTable } from '../../helpers/lint';

const inference = '# smct kind=inference\n';

ruleTable('SM501', [
  {
    name: 'EXPOSE without 8080 is reported',
    dockerfile: `${inference}FROM python:3.11\nEXPOSE 5000/tcp\nENTRYPOINT ["python", "-u", "serve.py"]\n`,
    expect: [{ line: 3, text: '5000/tcp', message: /exposes 5000 only/ }],
  },
  {
    name: 'a --port other than 8080 is reported on the port',
    dockerfile: `${inference}FROM python:3.11\nENTRYPOINT ["uvicorn", "app:app", "--host", "0.0.0.0", "--port", "8000"]\n`,
    expect: [{ line: 3, text: '8000', message: /bound to port 8000/ }],
  },
  {
    name: 'gunicorn -b host:N is reported',
    dockerfile: `${inference}FROM python:3.11\nENTRYPOINT gunicorn -b 0.0.0.0:5000 app:app\n`,
    expect: [{ line: 3, text: '0.0.0.0:5000' }],
  },
  {
    name: '--bind=host:N is reported',
    dockerfile: `${inference}FROM python:3.11\nENTRYPOINT ["gunicorn", "--bind=0.0.0.0:9000", "app:app"]\n`,
    expect: [{ line: 3, text: '--bind=0.0.0.0:9000' }],
  },
  { name: 'EXPOSE 8080 with other ports is fine', dockerfile: `${inference}FROM python:3.11\nEXPOSE 8080 9090\n`, expect: [] },
  { name: 'an EXPOSE range holding 8080 is fine', dockerfile: `${inference}FROM python:3.11\nEXPOSE 8000-8100\n`, expect: [] },
  { name: 'port 8080 is fine', dockerfile: `${inference}FROM python:3.11\nENTRYPOINT ["uvicorn", "app:app", "--port", "8080"]\n`, expect: [] },
  { name: 'training-only images are not checked', dockerfile: 'FROM python:3.11\nEXPOSE 6006\nENTRYPOINT ["python", "-u", "t.py"]\n', expect: [] },
  {
    name: 'a capabilities LABEL makes it an inference image (auto)',
    dockerfile: 'FROM python:3.11\nLABEL com.amazonaws.sagemaker.capabilities.accept-bind-to-port=true\nEXPOSE 5000\n',
    expect: [{ line: 3, text: '5000' }],
  },
  {
    name: 'a training Deep Learning Container with a "-sagemaker" tag is not an inference image',
    dockerfile: 'FROM 763104351884.dkr.ecr.us-west-2.amazonaws.com/pytorch-training:2.1.0-gpu-py310-cu121-ubuntu20.04-sagemaker\nEXPOSE 6006\n',
    expect: [],
  },
  {
    name: 'files that only may come from another image do not make it an inference image',
    dockerfile: 'FROM python:3.11\nCOPY --from=ghcr.io/astral-sh/uv:0.4.0 /uv /uvx /bin/\nEXPOSE 6006\nENTRYPOINT ["python", "-u", "t.py"]\n',
    expect: [],
  },
  {
    name: 'a legacy LABEL with a quoted capabilities key makes it an inference image',
    dockerfile: 'FROM python:3.11\nLABEL "com.amazonaws.sagemaker.capabilities.multi-models" "true"\nEXPOSE 5000\n',
    expect: [{ line: 3, text: '5000' }],
  },
  {
    name: 'EXPOSE of other ports is silent when a copied nginx.conf listens on 8080',
    dockerfile: `${inference}FROM python:3.11\nCOPY conf/nginx.conf /etc/nginx/nginx.conf\nEXPOSE 80 443\n`,
    files: {
      'conf/nginx.conf': 'events {}\nhttp {\n  server {\n    listen 8080 deferred;\n    location /ping { proxy_pass http://unix:/tmp/app.sock; }\n  }\n}\n',
    },
    expect: [],
  },
  {
    name: 'EXPOSE of other ports is silent when a copied gunicorn config binds 0.0.0.0:8080',
    dockerfile: `${inference}FROM python:3.11\nCOPY app/ /srv/app/\nEXPOSE 5000\n`,
    files: { 'app/gunicorn.conf.py': 'bind = "0.0.0.0:8080"\nworkers = 2\n', 'app/main.py': 'app = None\n' },
    expect: [],
  },
  {
    name: 'EXPOSE of other ports is silent when a copied serve script reads SAGEMAKER_BIND_TO_PORT',
    dockerfile: `${inference}FROM python:3.11\nCOPY serve /usr/local/bin/serve\nEXPOSE 8500 8501\n`,
    files: { serve: { content: '#!/usr/bin/env python3\nimport os\nport = os.environ.get("SAGEMAKER_BIND_TO_PORT", "8000")\n', mode: 0o755 } },
    expect: [],
  },
  {
    name: 'a server file in the context that the image does not copy changes nothing',
    dockerfile: `${inference}FROM python:3.11\nCOPY main.py /srv/main.py\nEXPOSE 5000\n`,
    files: { 'main.py': 'app = None\n', 'nginx.conf': 'server { listen 8080; }\n' },
    expect: [{ line: 4, text: '5000' }],
  },
  {
    name: 'a copied server file on another port changes nothing',
    dockerfile: `${inference}FROM python:3.11\nCOPY gunicorn.conf.py /srv/\nEXPOSE 5000\n`,
    files: { 'gunicorn.conf.py': 'bind = "0.0.0.0:5000"\n' },
    expect: [{ line: 4, text: '5000' }],
  },
]);
