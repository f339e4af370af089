// Privilege drops: a process that starts as root and switches to another user before the workload runs
// (gosu, su-exec, setpriv --reuid, runuser -u, chroot --userspec, s6-setuidgid, su, sudo -u, chpst -u ...).
// Pure text reading of the final image's ENTRYPOINT/CMD and of the entrypoint scripts the scan read from
// the build context; nothing is executed. A plain `exec "$@"` is no drop.
import { execCommands, simpleCommands, type SimpleCommand } from '../rules/dockerfile/shell'
import { clip } from './limits'
import { factsOf, finalLineage } from './lineage'
import type { ContextFile, CopyFact, DockerfileModel, ProcessFact, Stage } from './types'
import { classifyUser } from './user'

/** Lines of one script read for drops; an entrypoint longer than this is read up to here. */
export const MAX_SCRIPT_LINES = 5_000
/** Scripts followed from the entrypoint (`exec /usr/local/bin/start.sh` ...). */
export const MAX_SCRIPTS_FOLLOWED = 8
/** Wrappers (`tini --`, `dumb-init`) unwrapped around the real command. */
const MAX_UNWRAP = 4

export interface Drop {
  /** The tool that switches user: `gosu`, `su-exec`, `setpriv` ... */
  tool: string
  /** The user it drops to, as written (`postgres`, `$APP_USER`, `1000:1000`). */
  user: string
  /** The command, clipped, for messages. */
  command: string
  /** Where it was seen: the CMD/ENTRYPOINT instruction, or a script line. */
  where:
    | { kind: 'instruction'; instruction: 'CMD' | 'ENTRYPOINT'; line: number }
    | { kind: 'script'; path: string; imagePath: string; line: number }
}

/** The ENTRYPOINT and CMD the final image starts with, as far as the Dockerfile sets them. */
export interface ImageProcess {
  entrypoint?: ProcessFact
  cmd?: ProcessFact
  /** True when no stage of the lineage sets CMD or ENTRYPOINT (the base image's own, if any, applies). */
  none: boolean
}

/**
 * The final image's ENTRYPOINT and CMD: the last of each along the lineage, where an ENTRYPOINT resets a
 * CMD inherited from an earlier stage (not one set earlier in its own stage), as the builder does.
 */
export function imageProcess(model: DockerfileModel): ImageProcess {
  let entrypoint: ProcessFact | undefined
  let cmd: ProcessFact | undefined
  let none = true
  for (const stage of finalLineage(model).reverse()) {
    let cmdInStage = false
    for (const fact of factsOf(stage).processes ?? []) {
      none = false
      if (fact.instruction === 'CMD') {
        cmd = fact
        cmdInStage = true
      } else {
        entrypoint = fact
        if (!cmdInStage) cmd = undefined
      }
    }
  }
  return { ...(entrypoint ? { entrypoint } : {}), ...(cmd ? { cmd } : {}), none }
}

/** Programs that run the command after their own options: `tini -- cmd`, `dumb-init cmd`. */
const WRAPPERS = new Set(['tini', 'tini-static', 'dumb-init', 'catatonit', 'pid1', 'entrykit'])

/** The simple commands of one CMD/ENTRYPOINT, with init wrappers unwrapped. */
export function processCommands(fact: ProcessFact): SimpleCommand[] {
  const commands = fact.form === 'exec' && fact.argv ? execCommands(fact.argv) : simpleCommands(fact.text)
  const out: SimpleCommand[] = []
  const queue = commands.map(command => ({ command, depth: 0 }))
  while (queue.length > 0 && out.length < 1_000) {
    const { command, depth } = queue.shift()!
    out.push(command)
    if (!WRAPPERS.has(command.base) || depth >= MAX_UNWRAP) continue
    let start = 0
    while (start < command.args.length && command.args[start].startsWith('-')) {
      if (command.args[start++] === '--') break
    }
    const inner = command.args.slice(start)
    if (inner.length > 0)
      for (const next of execCommands(inner)) queue.push({ command: next, depth: depth + 1 })
  }
  return out
}

/** The value of `-x V`, `-xV`, `--long V` or `--long=V` in args, for any of the given spellings. */
function optionValue(args: string[], short: string[], long: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (arg === '--') return undefined
    for (const name of long) {
      if (arg === name) return args[i + 1]
      if (arg.startsWith(`${name}=`)) return arg.slice(name.length + 1)
    }
    for (const name of short) {
      if (arg === name) return args[i + 1]
      if (arg.startsWith(name) && arg.length > name.length && !arg.startsWith('--'))
        return arg.slice(name.length)
    }
  }
  return undefined
}

/** The first operand, skipping options and the values of the options listed in `takesValue`. */
function firstOperand(args: string[], takesValue: Set<string>): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (arg === '--') return args[i + 1]
    if (arg === '-') continue // `su - user`: login shell
    if (arg.startsWith('-')) {
      if (takesValue.has(arg)) i++
      continue
    }
    return arg
  }
  return undefined
}

const SU_VALUES = new Set(['-c', '--command', '-s', '--shell', '-g', '--group', '-G', '--supp-group', '-w'])

/** The user a command switches to, when it is a privilege-drop tool; undefined otherwise. */
function dropTarget(command: SimpleCommand): string | undefined {
  const { base, args } = command
  switch (base) {
    case 'gosu':
    case 'su-exec':
    case 's6-setuidgid':
    case 'setuidgid':
      return args[0] !== undefined && !args[0].startsWith('-') ? args[0] : undefined
    case 'setpriv':
      return optionValue(args, [], ['--reuid', '--ruid', '--euid'])
    case 'runuser':
      return (
        optionValue(args, ['-u'], ['--user']) ?? firstOperand(args, new Set([...SU_VALUES, '-u', '--user']))
      )
    case 'su':
      return firstOperand(args, SU_VALUES) ?? 'root'
    case 'sudo':
    case 'doas':
      return optionValue(args, ['-u'], ['--user'])
    case 'chroot':
      return optionValue(args, [], ['--userspec'])
    case 'chpst':
      return optionValue(args, ['-u', '-U'], [])
    case 's6-applyuidgid':
      return optionValue(args, ['-u'], [])
    case 'start-stop-daemon':
      return optionValue(args, ['-c'], ['--chuid'])
    case 'capsh':
      return optionValue(args, [], ['--user'])
    default:
      return undefined
  }
}

/** The drop a command makes: to a user that is not root (an unexpanded variable counts as not root). */
export function dropIn(command: SimpleCommand): { tool: string; user: string } | undefined {
  const target = dropTarget(command)
  if (target === undefined || target === '') return undefined
  if (!target.includes('$') && classifyUser(target).kind === 'root') return undefined
  return { tool: command.base, user: target }
}

function commandText(command: SimpleCommand): string {
  return clip([command.name, ...command.args].join(' '), 120)
}

/** The first drop in the final image's ENTRYPOINT or CMD (CMD only counts under an exec-form ENTRYPOINT). */
export function instructionDrop(process: ImageProcess): Drop | undefined {
  const facts: ProcessFact[] = []
  if (process.entrypoint) facts.push(process.entrypoint)
  if (process.cmd && (!process.entrypoint || process.entrypoint.form === 'exec')) facts.push(process.cmd)
  for (const fact of facts) {
    for (const command of processCommands(fact)) {
      const drop = dropIn(command)
      if (drop) {
        return {
          ...drop,
          command: commandText(command),
          where: { kind: 'instruction', instruction: fact.instruction, line: fact.line }
        }
      }
    }
  }
  return undefined
}

const basename = (path: string): string => path.slice(path.lastIndexOf('/') + 1)

/** Program paths the process names: command names and script operands (`bash /entrypoint.sh`). */
export function programPaths(process: ImageProcess): string[] {
  const paths: string[] = []
  for (const fact of [process.entrypoint, process.cmd]) {
    if (!fact) continue
    for (const command of processCommands(fact)) {
      paths.push(command.name)
      if (/^(ba|da|a|z|k)?sh$/.test(command.base)) {
        const script = command.args.find(arg => !arg.startsWith('-'))
        if (script !== undefined) paths.push(script)
      }
    }
  }
  return paths.filter(path => path !== '' && !path.includes('$')).slice(0, 64)
}

/** The context file that `program` runs: same image path, or the same name found through PATH. */
function fileFor(program: string, files: readonly ContextFile[]): ContextFile | undefined {
  if (program.startsWith('/')) {
    return (
      files.find(file => file.imagePath === program) ??
      files.find(f => basename(f.imagePath) === basename(program))
    )
  }
  return files.find(file => basename(file.imagePath) === basename(program))
}

/** Logical lines of a script (continuations joined), each with its 1-based first line. */
function scriptLines(text: string): Array<{ line: number; text: string }> {
  const out: Array<{ line: number; text: string }> = []
  const lines = text.split(/\r\n|\r|\n/, MAX_SCRIPT_LINES)
  let pending = ''
  let start = 0
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (pending === '') start = i + 1
    if (/(^|[^\\])\\$/.test(line)) {
      pending += `${line.slice(0, -1)} `
      continue
    }
    const joined = pending + line
    pending = ''
    if (/^\s*(#|$)/.test(joined)) continue
    out.push({ line: start, text: joined })
  }
  if (pending !== '') out.push({ line: start, text: pending })
  return out
}

/** `set -- gosu app "$@"` (then `exec "$@"`) runs the words after `--`: read them as a command too. */
function withSetArgs(commands: SimpleCommand[]): SimpleCommand[] {
  const out: SimpleCommand[] = []
  for (const command of commands) {
    out.push(command)
    if (command.base === 'set' && command.args[0] === '--') out.push(...execCommands(command.args.slice(1)))
  }
  return out
}

/** The first drop in a script, with the programs it runs that are other context files. */
function scriptDrop(file: ContextFile): { drop?: Drop; runs: string[] } {
  const runs: string[] = []
  for (const { line, text } of scriptLines(file.text)) {
    if (!/[a-z]/.test(text)) continue
    for (const command of withSetArgs(simpleCommands(text))) {
      const drop = dropIn(command)
      if (drop) {
        return {
          drop: {
            ...drop,
            command: commandText(command),
            where: { kind: 'script', path: file.path, imagePath: file.imagePath, line }
          },
          runs
        }
      }
      runs.push(command.name)
    }
  }
  return { runs }
}

export interface ScriptReading {
  /** The entrypoint scripts read (the scan had them), in the order followed. */
  read: ContextFile[]
  drop?: Drop
}

/**
 * Reads the entrypoint scripts the process runs (and the scripts they run, up to MAX_SCRIPTS_FOLLOWED) for
 * a drop. Only files the scan read from the build context are known; the rest stay unknown.
 */
export function scriptsDrop(process: ImageProcess, files: readonly ContextFile[] | undefined): ScriptReading {
  const read: ContextFile[] = []
  if (!files || files.length === 0) return { read }
  const queue = programPaths(process)
  const seen = new Set<ContextFile>()
  while (queue.length > 0 && read.length < MAX_SCRIPTS_FOLLOWED) {
    const file = fileFor(queue.shift()!, files)
    if (!file || seen.has(file)) continue
    seen.add(file)
    read.push(file)
    const { drop, runs } = scriptDrop(file)
    if (drop) return { read, drop }
    queue.push(...runs.filter(name => name.includes('/') || name.endsWith('.sh')).slice(0, 64))
  }
  return { read }
}

/** The other programs a script runs that may be scripts of the build context (paths, `*.sh`). */
export function scriptPrograms(file: ContextFile): string[] {
  return scriptDrop(file)
    .runs.filter(name => (name.includes('/') || name.endsWith('.sh')) && !name.includes('$'))
    .slice(0, 64)
}

/** Where gosu or su-exec is put into the image: the first RUN or COPY of the lineage that names it. */
export function dropToolInstalled(model: DockerfileModel): { tool: string; line: number } | undefined {
  const pattern = /(^|[^a-z0-9_-])(gosu|su-exec)([^a-z0-9_-]|$)/
  for (const stage of finalLineage(model).reverse()) {
    const facts = factsOf(stage)
    const lines: Array<{ line: number; text: string }> = [
      ...facts.runs.map(run => ({ line: run.line, text: run.text })),
      ...facts.copies.map(copy => ({
        line: copy.line,
        text: [copy.from ?? '', ...copy.sources, copy.dest ?? ''].join(' ')
      }))
    ].sort((a, b) => a.line - b.line)
    for (const { line, text } of lines) {
      const match = pattern.exec(text)
      if (match) return { tool: match[2], line }
    }
  }
  return undefined
}

/** True when a COPY/ADD from the build context (not another stage or image) may put `program` in place. */
function copiedFromContext(program: string, copy: CopyFact): boolean {
  if (copy.from !== undefined || !copy.dest) return false
  const name = basename(program)
  if (copy.dest === program || (copy.dest.endsWith('/') && `${copy.dest}${name}` === program)) return true
  return copy.sources.some(source => basename(source.replace(/\/+$/, '')) === name)
}

/**
 * The entrypoint script the image runs that the Dockerfile copies from the build context (or that is a
 * `.sh` file), when the scan could not read it: its name, for "a likely drop the build settles".
 */
export function unreadEntrypointScript(model: DockerfileModel, process: ImageProcess): string | undefined {
  const stages: Stage[] = finalLineage(model)
  for (const program of programPaths(process)) {
    if (WRAPPERS.has(basename(program))) continue
    const copied = stages.some(stage => factsOf(stage).copies.some(copy => copiedFromContext(program, copy)))
    if (copied || /\.(sh|bash)$/.test(program) || /entrypoint/i.test(basename(program))) return program
  }
  return undefined
}
