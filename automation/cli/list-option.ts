/** `--stacks us,eu`, `--stacks us --stacks eu` and `--stacks "us, eu"` all mean [us, eu]. */
export function listOption(
  value: readonly (string | number)[] | string | undefined,
): string[] | undefined {
  if (value === undefined) return undefined;
  const items = (Array.isArray(value) ? value : [value])
    .flatMap((item) => String(item).split(","))
    .map((item) => item.trim())
    .filter((item) => item !== "");
  return items.length > 0 ? items : undefined;
}
