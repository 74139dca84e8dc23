import * as posix from 'node:path/posix';
import type { Analysis } from '../dockerfile/analysis';
import { expand } from '../dockerfile/variables';
import type { Finding, Rule } from './rule';
import { argumentsRange, commandWords, type CommandWord } from './helpers';

/** SageMaker sends /ping and /invocations to port 8080 (contract §5, §8 P15). */
export const SM501: Rule = {
  id: 'SM501',
  title: 'Server not on port 8080',
  severity: 'warning',
  appliesTo: 'inference',
  check(analysis) {
    return [...exposedPorts(analysis), ...boundPorts(analysis)];
  },
};

function exposedPorts(analysis: Analysis): Finding[] {
  const exposes = analysis.model.stepsOf('EXPOSE');
  if (exposes.length === 0) return [];
  let known = true;
  const ports: [number, number][] = [];
  for (const step of exposes) {
    for (const word of analysis.model.logical(step.instruction).text.split(/\s+/).filter(Boolean)) {
      const expanded = expand(word, step.scope, analysis.model.escape);
      const match = /^(\d+)(?:-(\d+))?(\/\w+)?$/.exec(expanded.value);
      if (!expanded.complete || !match) known = false;
      else ports.push([Number(match[1]), Number(match[2] ?? match[1])]);
    }
  }
  if (!known || ports.some(([low, high]) => low <= 8080 && 8080 <= high)) return [];
  // EXPOSE only documents ports: a server that the image's own files put on 8080 answers SageMaker.
  if (copiedFileServesOn8080(analysis)) return [];
  const last = exposes[exposes.length - 1].instruction;
  return [
    {
      range: argumentsRange(last),
      message: `SageMaker sends /ping and /invocations to port 8080, but this image exposes ${ports.map(([low, high]) => (low === high ? low : `${low}-${high}`)).join(', ')} only. Listen on 8080 (or on $SAGEMAKER_BIND_TO_PORT when it is set).`,
    },
  ];
}

/**
 * Signs, in a file the image copies from the build context, of a server on port 8080 or on the port
 * SageMaker names in SAGEMAKER_BIND_TO_PORT: nginx's `listen 8080`, gunicorn's
 * `bind = "0.0.0.0:8080"` or `--bind :8080`, `--port 8080`, `port=8080`, `server.port: 8080`.
 */
const SERVES_ON_8080 = [
  /\blisten\s+(?:\S*:)?8080\b/,
  /(?:^|[\s"'=(,])(?:0\.0\.0\.0|\[::\]|\*)?:8080\b/m,
  /(?:--port|--http-port|-p)[\s=]+["']?8080\b/,
  /\b[\w.-]*port\s*[=:]\s*["']?8080\b/i,
  /SAGEMAKER_BIND_TO_PORT/,
];
/** Files worth reading for a server's port: scripts and configuration, not data or models. */
const SERVER_FILE = /(^|\.)(conf|template|py|sh|bash|cfg|ini|toml|ya?ml|json|properties|r|js|ts|java|go)$|^(serve|start|entrypoint|run)[\w.-]*$/i;
/** How many of the image's files are read at most, so a huge context stays quick. */
const MAX_FILES_READ = 200;

function copiedFileServesOn8080(analysis: Analysis): boolean {
  const candidates = analysis.files
    .filesUnder('/')
    .files.filter((file) => file.contextPath !== undefined && SERVER_FILE.test(posix.basename(file.imagePath)))
    .slice(0, MAX_FILES_READ);
  return candidates.some((file) => {
    const text = analysis.model.context.readFile(file.contextPath as string)?.toString('utf8');
    return text !== undefined && SERVES_ON_8080.some((pattern) => pattern.test(text));
  });
}

function boundPorts(analysis: Analysis): Finding[] {
  const findings: Finding[] = [];
  for (const command of [analysis.model.entrypoint, analysis.model.cmd]) {
    if (!command) continue;
    for (const words of commandWords(analysis, command.instruction)) {
      const bound = boundPort(words);
      if (bound && bound.port !== 8080) {
        findings.push({
          range: bound.word.range,
          message: `The server is bound to port ${bound.port}, but SageMaker sends /ping and /invocations to port 8080. Listen on 0.0.0.0:8080 (or on $SAGEMAKER_BIND_TO_PORT when it is set).`,
        });
      }
    }
  }
  return findings;
}

/** `--port N`, `--port=N`, `-p N`, `--bind host:N`, `-b host:N`, `0.0.0.0:N`. */
function boundPort(words: readonly CommandWord[]): { port: number; word: CommandWord } | undefined {
  for (let i = 0; i < words.length; i++) {
    const text = words[i].text;
    const inline = /^(?:--port|--bind|-b)=(?:.*:)?(\d+)$/.exec(text);
    if (inline) return { port: Number(inline[1]), word: words[i] };
    const next = words[i + 1];
    if (next && (text === '--port' || text === '-p') && /^\d+$/.test(next.text)) return { port: Number(next.text), word: next };
    if (next && (text === '--bind' || text === '-b')) {
      const match = /:(\d+)$/.exec(next.text);
      if (match) return { port: Number(match[1]), word: next };
    }
    const address = /^(?:0\.0\.0\.0|127\.0\.0\.1|localhost|\[::\]|\*):(\d+)$/.exec(text) ?? /(?:^|[=/])0\.0\.0\.0:(\d+)/.exec(text);
    if (address) return { port: Number(address[1]), word: words[i] };
  }
  return undefined;
}
