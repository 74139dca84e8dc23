// smct invoke: one request to a model, local (a container's /invocations) or on SageMaker
// (InvokeEndpoint), printed alike: the answer's body on stdout, its status line on stderr.
// smct models: the multi-model API of a local multi-model container.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { Io } from './io';
import {
  JOB_FILE_NAME,
  SmctError,
  checkPayloadSize,
  checkRequestHeaders,
  invokeLocal,
  listModels,
  loadAws,
  loadModel,
  loadTrainingJob,
  modelErrorMessage,
  modelNameOf,
  unloadModel,
  type InvocationRequest,
  type InvocationResponse,
  type TrainingJob,
} from '../../core/src';

export const INVOKE_USAGE = `Usage: smct invoke [--local | --url URL | ENDPOINT] [--body FILE | -] [--content-type TYPE]
                    [--accept TYPE] [--custom-attributes TEXT | --custom-attributes-file FILE]
                    [--target-model NAME]
                    [--output FILE] [--job FILE] [--profile NAME] [--region REGION]

Sends one request to a model, as InvokeEndpoint does, and prints the answer's body on stdout (or
into --output) and its status, content type, size and time on stderr.
  --local                 the local endpoint of "smct serve --local" (127.0.0.1 and serving.port)
  --url URL               a serving container at URL (http://127.0.0.1:PORT)
  ENDPOINT                a SageMaker endpoint (default: the job file's serving.endpointName)
  --body FILE             the request body; "-" or nothing: standard input
  --content-type TYPE     Content-Type (text/csv, application/json, …)
  --accept TYPE           Accept
  --custom-attributes S   X-Amzn-SageMaker-Custom-Attributes (seen by ps and shell history)
  --custom-attributes-file FILE
                          the same, read from FILE (one trailing line break dropped): for
                          attributes that are secret, as SageMaker marks them sensitive
  --target-model NAME     a multi-model endpoint's model: NAME.tar.gz of the model folder (or prefix)
  --output FILE           write the body into FILE (whole, or not at all)
  --profile NAME          AWS profile (default: AWS_PROFILE, then "default")
  --region REGION         AWS region (default: the job file's, AWS_REGION, then the profile's)
Exit codes: 0 a 2xx answer, 1 any other answer or no answer, 2 usage error.
`;

export const MODELS_USAGE = `Usage: smct models --local [--url URL] [--job FILE] list | load NAME | unload NAME

Drives the multi-model API of a local multi-model container (serving.mode MultiModel): list the
models loaded, load NAME (NAME.tar.gz of the model folder) or unload it. smct invoke
--target-model loads a model on its first request, as SageMaker does.
`;

export async function invokeCommand(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      local: { type: 'boolean' },
      url: { type: 'string' },
      body: { type: 'string' },
      'content-type': { type: 'string' },
      accept: { type: 'string' },
      'custom-attributes': { type: 'string' },
      'custom-attributes-file': { type: 'string' },
      'target-model': { type: 'string' },
      output: { type: 'string' },
      job: { type: 'string' },
      profile: { type: 'string' },
      region: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(INVOKE_USAGE);
    return 0;
  }
  const bodyPositional = positionals.filter((positional) => positional === '-');
  const names = positionals.filter((positional) => positional !== '-');
  const targets = [values.local, values.url !== undefined, names.length > 0].filter(Boolean).length;
  if (targets > 1 || names.length > 1) throw new SmctError('USAGE', 'smct invoke sends to one endpoint: give --local, --url URL or one endpoint name.');
  const request: InvocationRequest = {
    body: await readBody(values.body ?? (bodyPositional.length > 0 ? '-' : undefined), io),
    contentType: values['content-type'],
    accept: values.accept,
    customAttributes: customAttributes(values['custom-attributes'], values['custom-attributes-file']),
    targetModel: values['target-model'],
  };
  const response = await send(request, { ...values, name: names[0] }, io);
  return report(response, values.output, io);
}

interface Target {
  readonly local?: boolean;
  readonly url?: string;
  readonly name?: string;
  readonly job?: string;
  readonly profile?: string;
  readonly region?: string;
}

async function send(request: InvocationRequest, target: Target, io: Io): Promise<InvocationResponse> {
  checkRequestHeaders(request);
  if (target.url !== undefined) return invokeLocal(checkedUrl(target.url), request, { signal: io.signal });
  if (target.local) return invokeLocal(localUrl(loadTrainingJob(target.job ?? JOB_FILE_NAME)), request, { signal: io.signal });
  const job = target.name === undefined || target.job !== undefined ? loadTrainingJob(target.job ?? JOB_FILE_NAME) : jobFileHere();
  const endpoint = target.name ?? job?.serving.endpointName ?? '';
  if (request.targetModel !== undefined) modelNameOf(request.targetModel);
  checkPayloadSize(request.body.length, 'The request body', job?.serving.serverless !== undefined && target.name === undefined);
  const aws = loadAws();
  const awsTarget = await aws.resolveAwsTarget({ profile: target.profile, region: target.region, jobRegion: job?.region });
  return aws.invokeEndpoint(awsTarget, endpoint, request);
}

/** The local endpoint of `smct serve --local`: the job's serving.port on 127.0.0.1. */
function localUrl(job: TrainingJob): string {
  return `http://127.0.0.1:${job.serving.port}`;
}

function checkedUrl(url: string): string {
  if (!/^http:\/\/[^/]+\/?$/.test(url)) throw new SmctError('USAGE', `--url takes the container's address, such as http://127.0.0.1:8080, not "${url}".`);
  return url.replace(/\/$/, '');
}

function jobFileHere(): TrainingJob | undefined {
  return fs.existsSync(JOB_FILE_NAME) ? loadTrainingJob(JOB_FILE_NAME) : undefined;
}

/**
 * CustomAttributes from the flag or from a file. The API model marks CustomAttributes sensitive
 * (botocore sagemaker-runtime service-2.json, CustomAttributesHeader), and a flag's value shows in
 * ps and in shell history: the file keeps it out of both.
 */
function customAttributes(text: string | undefined, file: string | undefined): string | undefined {
  if (file === undefined) return text;
  if (text !== undefined) throw new SmctError('USAGE', 'give --custom-attributes or --custom-attributes-file, not both.');
  try {
    return fs.readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw new SmctError(
      'FILE_UNREADABLE',
      `cannot read --custom-attributes-file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`,
    );
  }
}

async function readBody(source: string | undefined, io: Io): Promise<Buffer> {
  if (source !== undefined && source !== '-') {
    try {
      return fs.readFileSync(source);
    } catch (error) {
      throw new SmctError('FILE_UNREADABLE', `cannot read the request body ${source}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
    }
  }
  if (!io.readStdin) throw new SmctError('USAGE', 'give the request body with --body FILE.');
  // Nothing piped in: waiting on a terminal would look like a hang.
  if (source === undefined && process.stdin.isTTY) {
    throw new SmctError('USAGE', 'give the request body with --body FILE, or on standard input (smct invoke < FILE).');
  }
  return io.readStdin();
}

function report(response: InvocationResponse, output: string | undefined, io: Io): number {
  const ok = response.status >= 200 && response.status < 300;
  const variant = response.invokedVariant ? `, variant ${response.invokedVariant}` : '';
  io.err(`${response.status}, ${response.contentType ?? 'no content type'}, ${response.body.length} bytes, ${response.milliseconds} ms${variant}\n`);
  if (!ok) {
    io.err(`smct: ${modelErrorMessage(response)}\n`);
    return 1;
  }
  if (output !== undefined) writeAtomically(path.resolve(output), response.body);
  else if (io.outBytes) io.outBytes(response.body);
  else io.out(response.body.toString('utf8'));
  return 0;
}

/** The whole file or none: written beside it, then renamed over it. */
function writeAtomically(file: string, data: Buffer): void {
  const temporary = `${file}.${crypto.randomBytes(4).toString('hex')}.partial`;
  try {
    fs.writeFileSync(temporary, data);
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw new SmctError('FILE_UNREADABLE', `cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
  }
}

export async function modelsCommand(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { local: { type: 'boolean' }, url: { type: 'string' }, job: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    io.out(MODELS_USAGE);
    return 0;
  }
  if (!values.local && values.url === undefined) throw new SmctError('USAGE', 'smct models drives a local multi-model container: add --local (or --url URL).');
  const url = values.url !== undefined ? checkedUrl(values.url) : localUrl(loadTrainingJob(values.job ?? JOB_FILE_NAME));
  const [action, name, ...rest] = positionals;
  const options = { signal: io.signal };
  if (action === 'list' && name === undefined) {
    const models = await listModels(url, options);
    io.out(models.length === 0 ? 'No models loaded.\n' : models.map((model) => `${model.name}\t${model.url}\n`).join(''));
    return 0;
  }
  if ((action === 'load' || action === 'unload') && name !== undefined && rest.length === 0) {
    const model = modelNameOf(name);
    if (action === 'load') await loadModel(url, model, options);
    else await unloadModel(url, model, options);
    io.out(`${action === 'load' ? 'Loaded' : 'Unloaded'} ${model}.\n`);
    return 0;
  }
  throw new SmctError('USAGE', 'smct models --local takes list, load NAME or unload NAME.');
}
