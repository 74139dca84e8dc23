// The README of a new project: what is in it, how to run it locally and on SageMaker, and what
// each program promises SageMaker, so the person who edits them keeps the promises.
import type { ProjectChoices } from './generatedFiles';

export function readmeText(choices: ProjectChoices): string {
  const { template, name, serving } = choices;
  const hyperparameters = Object.entries(template.hyperparameters)
    .map(([key, value]) => `\`${key}\` (${value})`)
    .join(', ');
  return [
    `# ${name}`,
    '',
    `A ${serving ? 'training and serving' : 'training'} container for Amazon SageMaker, made by \`smct init --template ${template.id}\` (SageMaker Container Tools): ${lowerFirst(template.description)}.`,
    '',
    '## Run it',
    '',
    '```sh',
    'npx smct build            # lint the Dockerfile, build the image, check it as SageMaker starts it',
    'npx smct train --local    # train on your Docker engine, as SageMaker would: output/<job>/output/model.tar.gz',
    ...(serving
      ? [
          'npx smct serve --local    # serve that model on 127.0.0.1:8080',
          'echo "0.5,1.2,-0.3,2.0" | npx smct invoke --local --content-type text/csv   # one probability per row',
        ]
      : []),
    'npx smct submit --wait    # push the image to Amazon ECR and train on SageMaker',
    ...(serving ? ['npx smct deploy --from-job <job name>   # put the trained model behind an endpoint'] : []),
    '```',
    '',
    `\`smct submit\` needs \`roleArn\` in \`sagemaker-job.json\` (or \`--role\`): the IAM role SageMaker runs the job as.${choices.roleArn === undefined ? ' Add it before you submit.' : ''}`,
    '',
    '## What is here',
    '',
    '| File | What it is |',
    '| --- | --- |',
    template.frameworkModule === undefined
      ? '| `Dockerfile` | The image. `BASE_IMAGE` picks the base; the program needs nothing but Python. |'
      : '| `Dockerfile` | The image. `BASE_IMAGE` picks the base; the framework is installed from `requirements.txt` unless the base has it. |',
    '| `sagemaker-job.json` | The job: image, hyperparameters, input channels, instance, limits. VS Code checks it as you type. |',
    '| `program/train` | What `docker run <image> train` runs. |',
    '| `program/inference.py` | Loads the model and predicts. |',
    ...(serving ? ['| `program/serve` | What `docker run <image> serve` runs: `GET /ping` and `POST /invocations` on port 8080. |'] : []),
    '| `program/contract.py` | Where SageMaker puts things, and the failure file. |',
    '| `data/` | A small sample: CSV, no header, the label (0 or 1) first, then four features. |',
    '',
    '## What `train` promises SageMaker',
    '',
    '- It reads its hyperparameters from `/opt/ml/input/config/hyperparameters.json`, where every value is a string: ' + hyperparameters + '.',
    '- It reads the `train` and `validation` channels from `/opt/ml/input/data/<channel>` (File mode).',
    '- It writes the model to `/opt/ml/model`; SageMaker uploads that folder as `model.tar.gz`.',
    "- On a failure it writes the reason to `/opt/ml/output/failure`: SageMaker shows it as the job's FailureReason.",
    '- On SIGTERM (StopTrainingJob, the time limit, a Spot interruption) it saves a checkpoint in `/opt/ml/checkpoints` and exits within the 120 s SageMaker waits before SIGKILL; the next run resumes from it.',
    '  To keep checkpoints across Spot interruptions, add `"checkpoints": { "s3Uri": "s3://<bucket>/<prefix>/" }` to the job file.',
    '- On a stop it also writes the model so far to `/opt/ml/model`; a completed run deletes its checkpoints, so the next job trains from the start.',
    '- It trains on one instance: with `instanceCount` above 1, the other hosts say so and exit.',
    '',
    'Replace the sample data with yours: point `inputs.train.source` and `inputs.validation.source` at local folders or `s3://` prefixes.',
    '',
  ].join('\n');
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
