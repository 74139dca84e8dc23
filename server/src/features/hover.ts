import type { Hover, Position } from 'vscode-languageserver';
import { CAPABILITY_LABELS, optMlTerm, SAGEMAKER_VARIABLES } from './sagemakerTerms';
import { displayArgv, type Analysis, type StartedProgram, type Verb } from '../../../core/src';

/**
 * Hover: on a `/opt/ml/...` path, a `SAGEMAKER_*` name or a capability label, what SageMaker
 * does with it; on the final stage's FROM and on the chain's ENTRYPOINT and CMD, the exact
 * process SageMaker will start (or why it will fail).
 */
export function hover(analysis: Analysis, position: Position): Hover | null {
  const line = analysis.model.document.lineText(position.line);
  const term = termAt(line, position.character);
  if (term) {
    return {
      contents: { kind: 'markdown', value: term.markdown },
      range: { start: { line: position.line, character: term.start }, end: { line: position.line, character: term.end } },
    };
  }
  const instruction = analysis.instructionAt({ start: position, end: position });
  if (!instruction) return null;
  const keyword = instruction.getKeyword();
  const inChain = analysis.model.steps.some((step) => step.instruction === instruction);
  const isFinalFrom = instruction === analysis.model.finalStage?.from;
  if (!isFinalFrom && !((keyword === 'ENTRYPOINT' || keyword === 'CMD') && inChain)) return null;
  const sections = [...(isFinalFrom ? baseSection(analysis) : []), ...analysis.verbs.map((verb) => processSection(analysis, verb))];
  if (keyword === 'CMD' && instruction === analysis.model.cmd?.instruction) {
    sections.push(`SageMaker replaces this CMD with its \`${analysis.verbs.join('`/`')}\` argument: the CMD itself never runs.`);
  }
  return { contents: { kind: 'markdown', value: sections.join('\n\n') }, range: instruction.getInstructionRange() };
}

/** On the final FROM: what the base image brings, and where that is known from. */
function baseSection(analysis: Analysis): string[] {
  const base = analysis.model.baseImage;
  const facts = analysis.model.baseFacts;
  if (!base || !facts) return [];
  const { config } = facts;
  const argv = (words: readonly string[]): string => (words.length > 0 ? `\`${displayArgv(words)}\`` : 'none');
  const programs = (['train', 'serve'] as const)
    .filter((verb) => facts.programs[verb] !== undefined)
    .map((verb) => `\`${verb}\`: ${facts.programs[verb] ? 'provided' : 'none'}`);
  const lines = [
    `**Base image \`${base.reference.value}\`**: ENTRYPOINT ${argv(config.entrypoint)}, CMD ${argv(config.cmd)}, user ${config.user || 'root'}, ${config.platforms.join(' and ')}`,
    `PATH \`${config.path.join(':')}\`${programs.length > 0 ? `; ${programs.join(', ')}` : ''}`,
    facts.origin.kind === 'catalogue' ? `Source: ${facts.origin.source}` : `Read from the image \`${facts.origin.image}\` in the local Docker engine.`,
  ];
  return [lines.join('  \n')];
}

function processSection(analysis: Analysis, verb: Verb): string {
  const program = analysis.program(verb);
  const title = verb === 'train' ? '**SageMaker training**' : '**SageMaker hosting**';
  const outcome = describeOutcome(program);
  return `${title} runs \`docker run <image> ${verb}\`, which starts:\n\n\`\`\`sh\n${displayArgv(program.argv ?? [verb])}\n\`\`\`\n\n${outcome}`;
}

function describeOutcome(program: StartedProgram): string {
  const verb = program.verb;
  if (program.mode === 'shell') {
    return `The ENTRYPOINT is in shell form: \`${verb}\` becomes \`$0\` of the shell and is ignored, and SIGTERM from StopTrainingJob reaches the shell, not the program.`;
  }
  if (program.mode === 'entrypoint') {
    const file = program.script ?? program.executable;
    const from = file?.placement?.contextPath ? ` (\`${file.imagePath}\` is copied from \`${file.placement.contextPath}\`)` : '';
    return `The ENTRYPOINT receives \`${verb}\` as its last argument${from}.`;
  }
  if (program.mode === 'base') {
    return `The base image's ENTRYPOINT receives \`${verb}\` as its last argument; what it does with it is up to the base image.`;
  }
  const evidence = program.evidence;
  const wrapper = program.baseEntrypoint ? "The base image's ENTRYPOINT executes" : program.wrapper ? 'The init wrapper executes' : 'Docker executes';
  if (!evidence) return `${wrapper} \`${verb}\` from PATH, and the image has none: it fails with \`exec: "${verb}": executable file not found in $PATH\`.`;
  switch (evidence.kind) {
    case 'file':
      return `${wrapper} \`${evidence.imagePath}\`${evidence.placement.contextPath ? `, copied from \`${evidence.placement.contextPath}\`` : ''}.`;
    case 'run':
      return `${wrapper} \`${evidence.imagePath}\`, created by the RUN on line ${evidence.step.instruction.getRange().start.line + 1}.`;
    case 'package':
      return `${wrapper} the \`${verb}\` console script installed by \`${evidence.installed.name}\`, which runs \`SAGEMAKER_PROGRAM\`.`;
    case 'env':
      return `${wrapper} \`${verb}\` of the SageMaker toolkit (the image sets \`${evidence.name}\`).`;
    case 'base-image':
      return `${wrapper} \`${verb}\` provided by the SageMaker base image \`${evidence.image}\`.`;
  }
}

interface TermHit {
  readonly markdown: string;
  readonly start: number;
  readonly end: number;
}

function termAt(line: string, character: number): TermHit | undefined {
  const patterns: [RegExp, (word: string) => string | undefined][] = [
    [
      /\/opt\/ml(?:\/[\w.-]+)*\/?/g,
      (word) => {
        const term = optMlTerm(word);
        return term ? `**${term.name}**: ${term.description}` : undefined;
      },
    ],
    [
      /\bSAGEMAKER_[A-Z0-9_]+/g,
      (word) => {
        const term = SAGEMAKER_VARIABLES.find((candidate) => candidate.name === word);
        return term ? `**${term.name}**: ${term.description}` : `**${word}**: not a variable SageMaker or its toolkits read; check the spelling.`;
      },
    ],
    [
      /com\.amazonaws\.sagemaker\.capabilities\.[\w.-]+/g,
      (word) => {
        const term = CAPABILITY_LABELS.find((candidate) => candidate.name.startsWith(word + '='));
        return term ? `**${word}**: ${term.description}` : undefined;
      },
    ],
  ];
  for (const [pattern, describe] of patterns) {
    for (const match of line.matchAll(pattern)) {
      const start = match.index ?? 0;
      const end = start + match[0].length;
      if (character < start || character > end) continue;
      const markdown = describe(match[0]);
      if (markdown) return { markdown, start, end };
    }
  }
  return undefined;
}
