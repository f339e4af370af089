// What the final image's stages do with sudo, one item per line: installing it, granting rights in sudoers,
// adding users to the sudo/wheel group, running it as a non-root user, or starting the process through it.
// Root running `sudo -u app ...` during the build is a privilege drop, and sudoers edits that comment
// grants out or delete them only take rights away: neither is an item.
import { factsOf, finalLineage } from '../../dockerfile/lineage'
import type { DockerfileModel, ProcessFact, RunFact, Stage } from '../../dockerfile/types'
import { isRootUser } from '../../dockerfile/user'
import type { Level } from '../../findings'
import { commandsOf } from './commands'
import { execCommands, operands, simpleCommands, type SimpleCommand } from './shell'

export interface SudoItem {
  line: number
  endLine: number
  /** What the line does, e.g. `installs sudo`; the rule lists these. */
  reason: string
  level: Level
  /** Only a sudo/wheel group membership: inert unless sudo is in the image, so it needs another item. */
  membership?: boolean
  /** The process starts as root and drops to another user through sudo. */
  drop?: boolean
}

// A Map: command names come from the Dockerfile, and `toString` or `__proto__` must find nothing.
const INSTALLERS = new Map<string, Set<string>>([
  ['apt-get', new Set(['install'])],
  ['apt', new Set(['install'])],
  ['aptitude', new Set(['install'])],
  ['apk', new Set(['add'])],
  ['yum', new Set(['install'])],
  ['dnf', new Set(['install'])],
  ['microdnf', new Set(['install'])],
  ['tdnf', new Set(['install'])],
  ['zypper', new Set(['install', 'in'])],
  ['pacman', new Set(['-S', '-Sy', '-Syu', '--sync'])]
])

const REMOVERS = new Map<string, Set<string>>([
  ['apt-get', new Set(['remove', 'purge'])],
  ['apt', new Set(['remove', 'purge'])],
  ['apk', new Set(['del'])],
  ['yum', new Set(['remove', 'erase'])],
  ['dnf', new Set(['remove', 'erase'])],
  ['microdnf', new Set(['remove'])],
  ['zypper', new Set(['remove', 'rm'])],
  ['pacman', new Set(['-R', '-Rs', '-Rns'])]
])

/** `apt-get purge -y sudo`, `apk del sudo`: sudo leaves the image. */
function removesSudo(command: SimpleCommand): boolean {
  const subcommands = REMOVERS.get(command.base)
  if (!subcommands) return false
  const at = command.args.findIndex(arg => subcommands.has(arg))
  return at >= 0 && command.args.slice(at + 1).includes('sudo')
}

function installsSudo(command: SimpleCommand): boolean {
  const subcommands = INSTALLERS.get(command.base)
  if (!subcommands) return false
  const at = command.args.findIndex(arg => subcommands.has(arg))
  if (at < 0) return false
  return command.args.slice(at + 1).some(arg => /^sudo(?:[=<>~].*|-\d.*)?$/.test(arg))
}

/** sudo options whose value is the next word. */
const SUDO_VALUE_OPTIONS = new Set(['-g', '-C', '-D', '-p', '-r', '-t', '-T', '-U', '-R'])

/** The user `sudo` switches to (`-u app`, `-uapp`, `--user=app`, `-Eu app`); undefined means root. */
export function sudoTarget(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (arg === '--') return undefined
    if (arg.startsWith('--user=')) return arg.slice('--user='.length)
    if (arg === '--user') return args[i + 1]
    if (!arg.startsWith('-')) return undefined
    if (/^-[A-Za-z]*u$/.test(arg)) return args[i + 1]
    if (/^-u./.test(arg)) return arg.slice(2)
    if (SUDO_VALUE_OPTIONS.has(arg)) i++
  }
  return undefined
}

/** `sudo -u app` to a user other than root: a drop when root runs it. */
function dropsTo(command: SimpleCommand): string | undefined {
  const target = sudoTarget(command.args)
  if (target === undefined) return undefined
  const name = target.replace(/^#/, '')
  return name === '' || isRootUser(name) ? undefined : target
}

const SUDOERS = /sudoers/
const REDIRECT = /^\d*>>?(.*)$/

/** The file a command writes through a redirection (`> f`, `>>f`, `2>f`). */
function redirectTargets(args: string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < args.length; i++) {
    const match = REDIRECT.exec(args[i])
    if (!match) continue
    if (match[1] !== '') out.push(match[1])
    else if (args[i + 1] !== undefined) out.push(args[++i])
  }
  return out
}

/** sed scripts of a command: `-e S`, `--expression=S`, or the first operand. */
function sedScripts(args: string[]): string[] {
  const scripts: string[] = []
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-e' || args[i] === '--expression') scripts.push(args[++i] ?? '')
    else if (args[i].startsWith('--expression=')) scripts.push(args[i].slice('--expression='.length))
  }
  if (scripts.length > 0) return scripts
  const first = args.find(arg => !arg.startsWith('-'))
  return first === undefined ? [] : [first]
}

/** What one sed script does to sudoers: undefined when it only comments out or deletes lines. */
function sedEffect(script: string): string | undefined {
  if (/Defaults|requiretty|authenticate/.test(script)) return 'changes sudoers Defaults'
  if (/^\s*(?:\/[^/]*\/|\d+(?:,\d+)?)\s*d\s*$/.test(script)) return undefined
  const sub = /^s(.)(.*?)\1(.*?)\1[a-zA-Z0-9]*$/.exec(script.trim())
  if (!sub) return 'configures sudoers'
  const [, , pattern, replacement] = sub
  if (replacement === '' || replacement.startsWith('#')) return undefined
  if (/NOPASSWD/.test(replacement) || (/NOPASSWD/.test(pattern) && replacement.includes('\\1'))) {
    return 'writes a NOPASSWD sudoers rule'
  }
  if (/^\^?\s*(?:\\s\*)?#/.test(pattern)) return 'enables a commented-out sudoers rule'
  return 'configures sudoers'
}

const ADMIN_GROUPS = new Set(['sudo', 'wheel', 'admin'])

/** `-G a,b`, `--groups=a,b`, `-aG a`: the supplementary groups of useradd/usermod (and busybox adduser). */
function groupOption(args: string[]): string[] {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (arg.startsWith('--groups=')) return arg.slice('--groups='.length).split(',')
    if (arg === '--groups' || /^-[A-Za-z]*G$/.test(arg)) return (args[i + 1] ?? '').split(',')
    if (/^-G./.test(arg)) return arg.slice(2).split(',')
  }
  return []
}

/** Options of adduser/addgroup that do not take a value; with only these, two operands are USER GROUP. */
const PLAIN_ADDUSER_OPTIONS =
  /^(?:-[DSq]+|--(?:quiet|debug|force-badname|allow-bad-names|disabled-password|disabled-login|system|no-create-home))$/

/** `user -> group` grants of the sudo/wheel/admin group a command makes. */
function adminMemberships(command: SimpleCommand): Array<{ user: string; group: string }> {
  const out: Array<{ user: string; group: string }> = []
  const args = command.args
  const add = (user: string | undefined, groups: string[]): void => {
    for (const group of groups) if (user !== undefined && ADMIN_GROUPS.has(group)) out.push({ user, group })
  }
  // `&& \ useradd` (an escaped space) still names useradd, as its author meant.
  switch (command.base.trim()) {
    case 'useradd':
    case 'usermod':
      add(args[args.length - 1], groupOption(args))
      break
    case 'adduser':
    case 'addgroup': {
      const options = args.filter(arg => arg.startsWith('-'))
      const words = operands(args)
      if (options.every(arg => PLAIN_ADDUSER_OPTIONS.test(arg)) && words.length === 2)
        add(words[0], [words[1]])
      else if (command.base === 'adduser') add(args[args.length - 1], groupOption(args))
      break
    }
    case 'gpasswd': {
      const at = args.findIndex(arg => arg === '-a' || arg === '--add')
      if (at >= 0) add(args[at + 1], [args[at + 2] ?? ''])
      const members = args.findIndex(arg => arg === '-M' || arg === '--members')
      if (members >= 0)
        for (const user of (args[members + 1] ?? '').split(',')) add(user, [args[members + 2] ?? ''])
      break
    }
  }
  return out
}

/** Whether the RUN at `line` of `stage` runs as a user the Dockerfile shows is not root. */
function runsAsNonRoot(model: DockerfileModel, stage: Stage, line: number): { user?: string } | undefined {
  const before = factsOf(stage).users.filter(user => user.line < line)
  const last = before[before.length - 1]
  if (last) return last.kind === 'non-root' ? { user: last.value } : undefined
  const parent = stage.baseStageIndex === undefined ? undefined : model.stages[stage.baseStageIndex]
  const inherited = parent ? parent.user : factsOf(stage).users.length === 0 ? stage.user : undefined
  return inherited?.kind === 'non-root' ? { user: inherited.value } : undefined
}

/** The sudo items of one RUN. */
function runItems(model: DockerfileModel, stage: Stage, run: RunFact): SudoItem[] {
  const items: SudoItem[] = []
  const at = (reason: string, extra: Partial<SudoItem> = {}): void => {
    if (!items.some(item => item.reason === reason))
      items.push({ line: run.line, endLine: run.endLine, reason, level: 'error', ...extra })
  }
  const commands = commandsOf(run)
  const asUser = runsAsNonRoot(model, stage, run.line)
  for (const command of commands) {
    if (command.base === 'sudo') {
      if (asUser) at(`runs sudo as ${asUser.user ?? 'a non-root user'}`)
      else if (dropsTo(command) === undefined) at('invokes sudo')
      // Root running `sudo -u app ...` drops privileges: not an escalation.
    }
    if (installsSudo(command)) at('installs sudo')
    for (const { user, group } of adminMemberships(command))
      at(`adds ${user} to group ${group}`, { membership: true })
    if (command.base === 'grep' || command.base === 'rm') continue
    const writes = [...redirectTargets(command.args)]
    if (command.base === 'tee') writes.push(...operands(command.args))
    if (['cp', 'mv', 'install', 'ln'].includes(command.base)) writes.push(...operands(command.args).slice(-1))
    if (writes.some(path => SUDOERS.test(path))) {
      const text = run.text.replace(/^\s*#.*$/gm, '')
      if (/NOPASSWD/.test(text)) at('writes a NOPASSWD sudoers rule')
      else if (['cp', 'mv', 'install', 'ln'].includes(command.base)) at('installs a sudoers file')
      else if (/^\s*(?:echo|printf)?\s*['"]?\s*Defaults/m.test(command.args.join(' ')))
        at('changes sudoers Defaults')
      else at('configures sudoers')
    } else if (command.base === 'sed' && operands(command.args).some(path => SUDOERS.test(path))) {
      for (const script of sedScripts(command.args)) {
        const effect = sedEffect(script)
        if (effect) at(effect)
      }
    } else if (command.base !== 'sed' && command.args.some(arg => /NOPASSWD/.test(arg))) {
      at('writes a NOPASSWD sudoers rule')
    }
  }
  return items
}

function processCommands(fact: ProcessFact): SimpleCommand[] {
  return fact.form === 'exec' && fact.argv ? execCommands(fact.argv) : simpleCommands(fact.text)
}

/** The CMD and ENTRYPOINT the final image starts: the last of each in the final stage's lineage. */
function startingProcesses(model: DockerfileModel): Array<{ stage: Stage; fact: ProcessFact }> {
  const found = new Map<string, { stage: Stage; fact: ProcessFact }>()
  for (const stage of finalLineage(model)) {
    const processes = factsOf(stage).processes ?? []
    for (let i = processes.length - 1; i >= 0; i--) {
      const fact = processes[i]
      if (!found.has(fact.instruction)) found.set(fact.instruction, { stage, fact })
    }
  }
  return [...found.values()]
}

function processItem(model: DockerfileModel, fact: ProcessFact): SudoItem | undefined {
  const sudo = processCommands(fact).find(command => command.base === 'sudo')
  if (!sudo) return undefined
  const user = model.finalStage.user
  const base = { line: fact.line, endLine: fact.endLine }
  if (user.kind === 'non-root') {
    return {
      ...base,
      level: 'error',
      reason: `${fact.instruction} runs sudo as ${user.value ?? 'the non-root USER'} at every start`
    }
  }
  const drop = dropsTo(sudo)
  return {
    ...base,
    ...(drop ? { drop: true } : {}),
    level: 'warning',
    reason: drop
      ? `${fact.instruction} drops to ${drop} with sudo, which stays in the image for the workload`
      : `${fact.instruction} starts the process through sudo`
  }
}

/** Sudo items per stage of the final image, in file order; empty when nothing but group memberships. */
export function sudoItemsByStage(model: DockerfileModel): Map<Stage, SudoItem[]> {
  const byStage = new Map<Stage, SudoItem[]>()
  const push = (stage: Stage, item: SudoItem): void => {
    const list = byStage.get(stage)
    if (list) list.push(item)
    else byStage.set(stage, [item])
  }
  const lineage = finalLineage(model).reverse()
  // Stages of the lineage come in file order, so a later line is a later step of the image.
  let removedAt = 0
  for (const stage of lineage) {
    for (const run of factsOf(stage).runs) {
      if (!/sudo|NOPASSWD|wheel|admin/i.test(run.text)) continue
      for (const item of runItems(model, stage, run)) push(stage, item)
      if (commandsOf(run).some(removesSudo)) removedAt = run.line
    }
    for (const copy of factsOf(stage).copies) {
      if (![...copy.sources, copy.dest ?? ''].some(path => SUDOERS.test(path))) continue
      push(stage, {
        line: copy.line,
        endLine: copy.endLine,
        reason: `${copy.instruction} copies a sudoers file`,
        level: 'error'
      })
    }
  }
  for (const { stage, fact } of startingProcesses(model)) {
    const item = processItem(model, fact)
    if (item) push(stage, item)
  }
  // What came before sudo was removed again does not ship.
  if (removedAt > 0) {
    for (const [stage, items] of byStage) {
      const kept = items.filter(item => item.line > removedAt)
      if (kept.length > 0) byStage.set(stage, kept)
      else byStage.delete(stage)
    }
  }
  // A sudo/wheel membership is inert without sudo: it counts only next to another item.
  const anySudo = [...byStage.values()].some(items => items.some(item => !item.membership))
  if (!anySudo) return new Map()
  for (const items of byStage.values()) items.sort((a, b) => a.line - b.line)
  return byStage
}
