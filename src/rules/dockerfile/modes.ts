// File modes as chmod, install -m and COPY --chmod read them: octal (`4755`, `04755`, `777`) or symbolic
// (`u+s`, `g+s`, `+s`, `a+s`, `o+w`, `a=rwx`, `u+s,g-w`).

export interface ModeBits {
  setuid: boolean
  setgid: boolean
  sticky: boolean
  /** Writable by others (the `o` class). */
  otherWrite: boolean
  /** Writable by the file's group (the `g` class). */
  groupWrite: boolean
}

export function analyzeMode(mode: string): ModeBits | undefined {
  const text = mode.trim()
  if (/^[0-7]+$/.test(text)) {
    const value = parseInt(text, 8)
    return {
      setuid: (value & 0o4000) !== 0,
      setgid: (value & 0o2000) !== 0,
      sticky: (value & 0o1000) !== 0,
      otherWrite: (value & 0o002) !== 0,
      groupWrite: (value & 0o020) !== 0
    }
  }
  const bits: ModeBits = { setuid: false, setgid: false, sticky: false, otherWrite: false, groupWrite: false }
  let valid = false
  for (const clause of text.split(',')) {
    const match = /^([ugoa]*)((?:[-+=][rwxXstugo]*)+)$/.exec(clause)
    if (!match) return undefined
    valid = true
    const who = match[1]
    const all = who === '' || who.includes('a')
    for (const op of match[2].match(/[-+=][rwxXstugo]*/g) ?? []) {
      if (op[0] === '-') continue
      const perms = op.slice(1)
      if (perms.includes('s')) {
        if (all || who.includes('u')) bits.setuid = true
        if (all || who.includes('g')) bits.setgid = true
      }
      if (perms.includes('t') && (all || who.includes('o'))) bits.sticky = true
      // `+w` without a class goes through the umask (022 by default), so it reaches neither group nor others.
      // `g=u` copies the owner's bits, and the owner of a file can nearly always write it.
      const writes = perms.includes('w') || perms.includes('u')
      if (writes && (who.includes('o') || who.includes('a'))) bits.otherWrite = true
      if (writes && (who.includes('g') || who.includes('a'))) bits.groupWrite = true
    }
  }
  return valid ? bits : undefined
}

/** install/mkdir options whose value is the next word (not a path). */
const TAKES_VALUE = new Set([
  '-o',
  '-g',
  '--owner',
  '--group',
  '-t',
  '--target-directory',
  '-S',
  '--suffix',
  '-Z',
  '--context'
])

export interface CommandMode {
  mode: string
  targets: string[]
  /** True when the command creates directories (`mkdir -m`, `install -d`), where setuid/setgid are harmless. */
  directories: boolean
  /** `chmod -R`: the mode reaches everything below the targets too. */
  recursive?: true
}

/** Mode words set by a command: `chmod MODE ...`, `install -m MODE ...`, `mkdir -m MODE ...`. */
export function modeOfCommand(base: string, args: string[]): CommandMode | undefined {
  if (base === 'chmod') {
    // The mode is the first word that is not an option; `-w`/`-s` style modes look like options.
    for (let i = 0; i < args.length; i++) {
      const arg = args[i]
      if (arg.startsWith('--')) {
        if (arg === '--reference' || arg.startsWith('--reference')) return undefined
        continue
      }
      if (arg.startsWith('-') && !/^-[rwxXst]+$/.test(arg)) continue
      // GNU chmod takes options after the operands too.
      const recursive = args.some(
        (word, j) => j !== i && (word === '--recursive' || /^-[A-Za-z]*R[A-Za-z]*$/.test(word))
      )
      return {
        mode: arg,
        targets: args.slice(i + 1).filter(word => !word.startsWith('-')),
        directories: false,
        ...(recursive ? { recursive: true as const } : {})
      }
    }
    return undefined
  }
  if (base === 'install' || base === 'mkdir') {
    for (let i = 0; i < args.length; i++) {
      const arg = args[i]
      let mode: string | undefined
      const separate = arg === '-m' || arg === '--mode'
      if (separate) mode = args[i + 1]
      else if (arg.startsWith('--mode=')) mode = arg.slice('--mode='.length)
      else if (/^-m\S/.test(arg)) mode = arg.slice(2)
      if (mode !== undefined) {
        const rest = args.filter(
          (word, j) =>
            j !== i &&
            !(separate && j === i + 1) &&
            !word.startsWith('-') &&
            !TAKES_VALUE.has(args[j - 1] ?? '')
        )
        const directories =
          base === 'mkdir' || args.some(word => word === '--directory' || /^-[A-Za-z]*d[A-Za-z]*$/.test(word))
        return { mode, targets: directories ? rest : rest.slice(-1), directories }
      }
    }
  }
  return undefined
}
