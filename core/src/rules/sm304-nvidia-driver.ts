import type { Finding, Rule } from './rule';
import { commandWords, fromProgram } from './helpers';
import { expand } from '../dockerfile/variables';
import { basename } from '../dockerfile/shellWords';

const INSTALLERS: Record<string, string[]> = {
  'apt-get': ['install'],
  apt: ['install'],
  aptitude: ['install'],
  yum: ['install'],
  dnf: ['install'],
  microdnf: ['install'],
  zypper: ['install', 'in'],
  apk: ['add'],
  conda: ['install'],
  mamba: ['install'],
};
const DRIVER_PACKAGE = /^(nvidia-driver(-[\w.:-]+)?|cuda-drivers(-[\w.:-]+)?|nvidia-[\w.-]+-driver(-[\w.:-]+)?)([=:].*)?$/;
const DRIVER_INSTALLER = /NVIDIA-Linux-[\w.-]+\.run$/;

/**
 * SageMaker's GPU instances bring the NVIDIA driver; a driver in the image can mismatch the
 * host's kernel module ("Include only the CUDA toolkit on containers", contract §1.4, §8 P21).
 */
export const SM304: Rule = {
  id: 'SM304',
  title: 'NVIDIA driver in the image',
  severity: 'warning',
  appliesTo: 'any',
  check(analysis) {
    const findings: Finding[] = [];
    for (const step of analysis.model.stepsOf('RUN')) {
      for (const command of commandWords(analysis, step.instruction)) {
        // Packages may come from build arguments: ARG DRIVER=nvidia-driver-535 … apt-get install $DRIVER.
        const words = fromProgram(command).map((word) => ({ ...word, text: expand(word.text, step.scope, analysis.model.escape).value }));
        const verbs = INSTALLERS[basename(words[0]?.text ?? '')];
        const installs = verbs !== undefined && words.some((word) => verbs.includes(word.text));
        const driver = words.find((word) => (installs && DRIVER_PACKAGE.test(word.text)) || DRIVER_INSTALLER.test(word.text));
        if (driver) {
          findings.push({
            range: driver.range,
            message:
              `This installs the NVIDIA driver (${driver.text}) into the image. SageMaker's GPU instances provide the driver, and a bundled one ` +
              "can mismatch the host's kernel module. Install only the CUDA toolkit and libraries.",
          });
        }
      }
    }
    return findings;
  },
};
