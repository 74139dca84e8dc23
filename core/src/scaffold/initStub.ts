// TEMPORARY stand-in for the lead's core/src/scaffold (initProject, PROJECT_TEMPLATES), with the
// contract's signatures, so that the VS Code command can be built and tested before it lands.
// Dropped when main is merged.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SmctError, type SmctErrorCode } from '../errors';

export type TemplateId = 'scikit-learn' | 'xgboost' | 'pytorch' | 'tensorflow' | 'python';
export interface ProjectTemplate {
  readonly id: TemplateId;
  readonly title: string;
  readonly description: string;
}
export const PROJECT_TEMPLATES: readonly ProjectTemplate[] = [
  { id: 'scikit-learn', title: 'scikit-learn', description: 'A random forest classifier' },
  { id: 'xgboost', title: 'XGBoost', description: 'A gradient-boosted tree classifier' },
  { id: 'pytorch', title: 'PyTorch', description: 'A small neural network' },
  { id: 'tensorflow', title: 'TensorFlow (Keras)', description: 'A small Keras network' },
  { id: 'python', title: 'Plain Python', description: 'Logistic regression in the standard library' },
];
export interface InitOptions {
  readonly folder: string;
  readonly template: string;
  readonly serving?: boolean;
  readonly baseImage?: string;
  readonly roleArn?: string;
  readonly name?: string;
}
export interface InitResult {
  readonly folder: string;
  readonly name: string;
  readonly files: readonly string[];
}

export async function initProject(options: InitOptions): Promise<InitResult> {
  if (!PROJECT_TEMPLATES.some((template) => template.id === options.template)) throw new SmctError('USAGE', `unknown template ${options.template}`);
  const folder = path.resolve(options.folder);
  const name = options.name ?? path.basename(folder);
  const files: Record<string, string> = {
    '.dockerignore': '*\n',
    Dockerfile: 'ARG BASE_IMAGE=python:3.11-slim\nFROM ${BASE_IMAGE}\nCOPY program/ /opt/program/\nENV PATH="/opt/program:${PATH}"\n',
    'README.md': `# ${name}\n`,
    'sagemaker-job.json': `${JSON.stringify({ baseJobName: name, image: `${name}:latest`, ...(options.serving ? { serving: { endpointName: name } } : {}) }, null, 2)}\n`,
    'program/train': '#!/usr/bin/env python3\n',
    ...(options.serving ? { 'program/serve': '#!/usr/bin/env python3\n' } : {}),
  };
  const existing = Object.keys(files).filter((file) => fs.existsSync(path.join(folder, file)));
  if (existing.length > 0) throw new SmctError('INIT_EXISTS' as SmctErrorCode, `${folder} has ${existing.join(', ')} already: smct init overwrites nothing.`);
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(folder, file)), { recursive: true });
    fs.writeFileSync(path.join(folder, file), text);
  }
  return { folder, name, files: Object.keys(files).sort() };
}
