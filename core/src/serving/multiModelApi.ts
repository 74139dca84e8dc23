// The multi-model container API SageMaker drives in a multi-model endpoint's container
// (https://docs.aws.amazon.com/sagemaker/latest/dg/mms-container-apis.html): POST /models
// {model_name, url}, GET /models, GET /models/{name}, DELETE /models/{name}, and
// POST /models/{name}/invoke with X-Amzn-SageMaker-Target-Model. SageMaker loads a model on its
// first invocation; so does invokeModel.
//
// Names: InvokeEndpoint's TargetModel is the model.tar.gz's key relative to the endpoint's prefix
// ("a.tar.gz"). Locally, every <name>.tar.gz of the model folder is extracted to
// /opt/ml/models/<name>/model (MULTI_MODEL_DIR), and <name> (the file name less .tar.gz) is the
// model_name the container is told. A TargetModel given without .tar.gz means the same model.
import { INVOCATION_TIMEOUT_MS, MULTI_MODEL_DIR } from './hostingContract';
import type { InvocationRequest, InvocationResponse } from './invocation';
import { httpExchange, type HttpAnswer } from './localHttp';
import { SmctError } from '../errors';

export interface LoadedModel {
  readonly name: string;
  readonly url: string;
}

export interface ModelApiOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** The container's model_name for a TargetModel: "a.tar.gz" and "a" are model "a". */
export function modelNameOf(targetModel: string): string {
  const name = targetModel.replace(/\.tar\.gz$/, '');
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
    throw new SmctError(
      'REQUEST_INVALID',
      `the target model "${targetModel}" is not a model of the folder: give the name of one of its <name>.tar.gz files (letters, digits, ".", "_", "-"; no folders).`,
    );
  }
  return name;
}

/** Where the serve helper extracts model `name` in the container. */
export function modelUrlOf(name: string): string {
  return `${MULTI_MODEL_DIR}/${name}/model`;
}

/** POST /models: the container loads model `name` from its folder. A 409 (already loaded) and any other refusal are errors. */
export async function loadModel(url: string, name: string, options: ModelApiOptions = {}): Promise<void> {
  const answer = await postModel(url, name, options);
  if (answer.status === 409) throw new SmctError('ENDPOINT_FAILED', `model ${name} is already loaded at ${url} (409).`);
  if (!ok(answer)) throw refused(url, `load model ${name}`, answer);
}

function postModel(url: string, name: string, options: ModelApiOptions): Promise<HttpAnswer> {
  return exchange(url, 'POST', '/models', options, Buffer.from(JSON.stringify({ model_name: name, url: modelUrlOf(name) })));
}

/** DELETE /models/{name}; a model not loaded (404) is an error. */
export async function unloadModel(url: string, name: string, options: ModelApiOptions = {}): Promise<void> {
  const answer = await exchange(url, 'DELETE', `/models/${encodeURIComponent(name)}`, options);
  if (answer.status === 404) {
    throw new SmctError('ENDPOINT_FAILED', `model ${name} is not loaded at ${url} (404): smct models --local list shows those that are.`);
  }
  if (!ok(answer)) throw refused(url, `unload model ${name}`, answer);
}

/** GET /models: the models loaded, as the container lists them ({"models": [{"modelName", "modelUrl"}]}). */
export async function listModels(url: string, options: ModelApiOptions = {}): Promise<LoadedModel[]> {
  const answer = await exchange(url, 'GET', '/models', options);
  if (!ok(answer)) throw refused(url, 'list the models', answer);
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.body.toString('utf8'));
  } catch {
    throw new SmctError('ENDPOINT_FAILED', `the container at ${url} answered GET /models with something that is not JSON: is it a multi-model container?`);
  }
  const models = (parsed as { models?: unknown } | null)?.models;
  if (!Array.isArray(models)) throw new SmctError('ENDPOINT_FAILED', `the container at ${url} answered GET /models without a "models" list.`);
  return models.map((model: { modelName?: unknown; modelUrl?: unknown }) => ({ name: String(model.modelName), url: String(model.modelUrl) }));
}

/** Whether GET /models/{name} finds the model (200) or not (404). */
export async function isModelLoaded(url: string, name: string, options: ModelApiOptions = {}): Promise<boolean> {
  const answer = await exchange(url, 'GET', `/models/${encodeURIComponent(name)}`, options);
  if (answer.status === 404) return false;
  if (!ok(answer)) throw refused(url, `describe model ${name}`, answer);
  return true;
}

/** POST /models/{name}/invoke, loading the model first when the container does not have it, as SageMaker does. */
export async function invokeModel(url: string, targetModel: string, request: InvocationRequest, options: ModelApiOptions = {}): Promise<InvocationResponse> {
  const name = modelNameOf(targetModel);
  if (!(await isModelLoaded(url, name, options))) {
    const answer = await postModel(url, name, options);
    // A 409 is a model loaded meanwhile by another request: what was wanted.
    if (!ok(answer) && answer.status !== 409) throw refused(url, `load model ${name}`, answer);
  }
  const headers: Record<string, string> = { 'X-Amzn-SageMaker-Target-Model': targetModel };
  if (request.contentType) headers['Content-Type'] = request.contentType;
  if (request.accept) headers['Accept'] = request.accept;
  if (request.customAttributes) headers['X-Amzn-SageMaker-Custom-Attributes'] = request.customAttributes;
  const answer = await httpExchange(url, {
    method: 'POST',
    path: `/models/${encodeURIComponent(name)}/invoke`,
    body: request.body,
    headers,
    timeoutMs: options.timeoutMs ?? INVOCATION_TIMEOUT_MS,
    signal: options.signal,
  });
  return { status: answer.status, contentType: answer.contentType, body: answer.body, milliseconds: answer.milliseconds };
}

function exchange(url: string, method: 'GET' | 'POST' | 'DELETE', path: string, options: ModelApiOptions, body?: Buffer): Promise<HttpAnswer> {
  const headers: Record<string, string> = body ? { 'Content-Type': 'application/json' } : {};
  return httpExchange(url, { method, path, body, headers, timeoutMs: options.timeoutMs ?? INVOCATION_TIMEOUT_MS, signal: options.signal });
}

function ok(answer: HttpAnswer): boolean {
  return answer.status >= 200 && answer.status < 300;
}

function refused(url: string, what: string, answer: HttpAnswer): SmctError {
  const text = answer.body.toString('utf8').replace(/\s+/g, ' ').trim().slice(0, 300);
  return new SmctError('ENDPOINT_FAILED', `the container at ${url} could not ${what}: ${answer.status}${text ? ` ${text}` : ''}.`);
}
