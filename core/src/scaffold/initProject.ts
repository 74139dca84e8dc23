// `smct init` and VS Code's "New Training Container…": a complete project for a template, written
// into a new or empty folder.
import * as path from 'node:path';
import { SmctError } from '../errors';
import { dockerfileText, dockerignoreText, gitignoreText, jobFileText, type ProjectChoices } from './generatedFiles';
import { readmeText } from './projectReadme';
import { DEFAULT_BASE_IMAGE, PROJECT_TEMPLATES, findTemplate } from './projectTemplates';
import { checkBaseImage, checkName, checkRoleArn, nameFromFolder } from './projectValues';
import { writeProject, type ProjectFile } from './projectWriter';
import { templateFiles } from './templateFiles';

export interface InitOptions {
  /** Created when missing; it may exist with other files, none of which is overwritten. */
  readonly folder: string;
  readonly template: string;
  readonly serving?: boolean;
  /** The Dockerfile's BASE_IMAGE default (python:3.11-slim). */
  readonly baseImage?: string;
  readonly roleArn?: string;
  /** The job, image and endpoint name; by default made from the folder's name. */
  readonly name?: string;
}

export interface InitResult {
  readonly folder: string;
  readonly name: string;
  /** What was written, relative to the folder, '/'-separated, sorted. */
  readonly files: readonly string[];
}

export async function initProject(options: InitOptions): Promise<InitResult> {
  const folder = path.resolve(options.folder);
  const choices = projectChoices(options, folder);
  const files = projectFiles(choices);
  writeProject(folder, files);
  return { folder, name: choices.name, files: files.map((file) => file.path).sort() };
}

function projectChoices(options: InitOptions, folder: string): ProjectChoices {
  const template = findTemplate(options.template);
  if (template === undefined) {
    throw new SmctError('USAGE', `There is no template "${options.template}": choose one of ${PROJECT_TEMPLATES.map((known) => known.id).join(', ')}.`);
  }
  return {
    template,
    name: options.name === undefined ? nameFromFolder(path.basename(folder)) : checkName(options.name),
    serving: options.serving ?? false,
    baseImage: checkBaseImage(options.baseImage ?? DEFAULT_BASE_IMAGE),
    ...(options.roleArn === undefined ? {} : { roleArn: checkRoleArn(options.roleArn) }),
  };
}

function projectFiles(choices: ProjectChoices): ProjectFile[] {
  return [
    { path: 'Dockerfile', content: dockerfileText(choices) },
    { path: '.dockerignore', content: dockerignoreText() },
    { path: '.gitignore', content: gitignoreText() },
    { path: 'sagemaker-job.json', content: jobFileText(choices) },
    { path: 'README.md', content: readmeText(choices) },
    ...templateFiles(choices.template.id, choices.serving),
  ];
}
