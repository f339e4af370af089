// Runtime Hardening, from the Dockerfile: file capabilities hand privileges to whoever runs a file.
import { clip } from '../../dockerfile/limits'
import type { Rule, RuleHit } from '../types'
import { commandsOf, imageRuns, quote } from './commands'
import { operands } from './shell'

export const fileCapabilitiesSet: Rule = {
  meta: {
    id: 'LP201',
    name: 'file-capabilities-set',
    principle: 'runtime-hardening',
    evidence: 'dockerfile',
    level: 'note',
    securitySeverity: 3.0,
    title: 'setcap gives a file capabilities in the final image',
    description:
      "File capabilities (setcap) give a process the listed capabilities when it executes the file, even as a non-root user, as long as they are in the container's bounding set. That is often the right tool (e.g. cap_net_bind_service instead of root), but it is a privilege grant to review, and with --cap-drop=ALL the file will fail to execute.",
    fix: 'Keep the capability set minimal (e.g. only cap_net_bind_service=+ep), or listen on a port >= 1024 and drop setcap.'
  },
  check({ model }) {
    const hits: RuleHit[] = []
    for (const { run } of imageRuns(model)) {
      if (!run.text.includes('setcap')) continue
      for (const command of commandsOf(run)) {
        if (command.base !== 'setcap' || command.args.includes('-r')) continue
        const words = operands(command.args)
        const capabilities = words.length > 1 ? words[0] : undefined
        const file = words.length > 1 ? words[words.length - 1] : words[0]
        hits.push({
          message: `\`${quote(command)}\` on line ${run.line} gives ${file !== undefined ? clip(file) : 'a file'} the file capabilities ${capabilities !== undefined ? clip(capabilities) : '(unknown)'}; anyone who runs it gains them.`,
          line: run.line,
          endLine: run.endLine,
          properties: {
            capabilities: capabilities === undefined ? undefined : clip(capabilities),
            file: file === undefined ? undefined : clip(file)
          }
        })
      }
    }
    return hits
  }
}

export const runtimeHardeningRules: Rule[] = [fileCapabilitiesSet]
