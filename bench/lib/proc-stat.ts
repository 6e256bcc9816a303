// `/proc/<pid>/stat`: the command name sits in parentheses and may hold spaces, so the fixed
// fields are read after its closing parenthesis. In the list this answers, index 0 is the state,
// 1 the parent's pid, 11 and 12 the user and system CPU ticks (fields 3, 4, 14 and 15 of proc(5)).
export function statFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}
