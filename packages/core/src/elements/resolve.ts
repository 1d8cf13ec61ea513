/**
 * Element resolution: transitive dependencies, virtual names (provides), conflicts and
 * cycles, producing an ordered list in which dependencies come first and every element
 * says why it is there.
 */
import type { Arch } from '../arch.js';
import { DibError } from '../errors.js';
import type { ElementFinder } from './finder.js';
import { describeSource, type LoadedElement } from './types.js';

export interface ResolvedElement extends LoadedElement {
  /** Why the element is in the build, e.g. "requested", "dependency of vm". */
  readonly reasons: readonly string[];
}

export interface ResolveOptions {
  /** Add the base element (DIB's default; -n turns it off). */
  addBase: boolean;
  /** Require exactly one provider of operating-system (true for builds; element-info and doctor relax it). */
  requireOperatingSystem?: boolean;
  /** The build's architecture: an element's default provider for it wins (defaultProvidersByArch). */
  arch?: Arch;
}

const OS = 'operating-system';

export async function resolveElements(requested: readonly string[], finder: ElementFinder, options: ResolveOptions): Promise<ResolvedElement[]> {
  const loaded = new Map<string, LoadedElement>();
  const reasons = new Map<string, string[]>();
  const addReason = (name: string, reason: string) => {
    const list = reasons.get(name) ?? [];
    if (!list.includes(reason)) list.push(reason);
    reasons.set(name, list);
  };
  /** Names no element is called, kept to be matched against provides at the end. */
  const unresolved = new Map<string, string>();

  const queue: { name: string; reason: string; from?: LoadedElement }[] = requested.map((name) => ({ name, reason: 'requested' }));
  if (options.addBase && !requested.includes('base')) queue.push({ name: 'base', reason: 'added by default (-n leaves it out)' });

  const expand = async () => {
    while (queue.length) {
      const { name, reason, from } = queue.shift()!;
      addReason(name, reason);
      if (loaded.has(name) || unresolved.has(name)) continue;
      const element = await finder.find(name, from);
      if (!element) {
        unresolved.set(name, reason);
        continue;
      }
      if (element.name !== name) {
        // Asked for by package name (dib-element-x, @acme/x): the element is known by its manifest name.
        addReason(element.name, reason);
        const prior = loaded.get(element.name);
        if (prior && describeSource(prior.source) !== describeSource(element.source)) {
          throw new DibError(
            'DIB_E_ELEMENT_CONFLICT',
            `two packages provide element "${element.name}": ${describeSource(prior.source)} and ${describeSource(element.source)}`,
            {
              location: { element: element.name },
              hint: 'Keep one of them in the build (or uninstall one).',
            },
          );
        }
        if (prior) continue;
      }
      loaded.set(element.name, element);
      for (const dep of element.manifest.dependencies) queue.push({ name: dep, reason: `dependency of ${element.name}`, from: element });
    }
  };
  await expand();
  // A virtual name nobody provides falls back to the default an element names for it.
  const defaultFor = (e: LoadedElement, virtual: string): string | undefined =>
    (options.arch ? e.manifest.defaultProvidersByArch?.[options.arch]?.[virtual] : undefined) ?? e.manifest.defaultProviders[virtual];
  const triedDefaults = new Set<string>();
  for (;;) {
    const provided = new Set([...loaded.values()].flatMap((e) => e.manifest.provides));
    const fallback = [...unresolved.keys()]
      .filter((n) => !provided.has(n) && !triedDefaults.has(n))
      .flatMap((n) => [...loaded.values()].filter((e) => defaultFor(e, n)).map((e) => ({ virtual: n, by: e })))[0];
    if (!fallback) break;
    triedDefaults.add(fallback.virtual);
    unresolved.delete(fallback.virtual);
    queue.push({
      name: defaultFor(fallback.by, fallback.virtual)!,
      reason: `default ${fallback.virtual} for ${fallback.by.name}`,
      from: fallback.by,
    });
    await expand();
    if (!new Set([...loaded.values()].flatMap((e) => e.manifest.provides)).has(fallback.virtual))
      unresolved.set(fallback.virtual, `dependency of ${fallback.by.name}`);
  }

  const providers = new Map<string, string[]>();
  for (const el of loaded.values()) {
    for (const p of el.manifest.provides) providers.set(p, [...(providers.get(p) ?? []), el.name]);
  }
  for (const [virtual, by] of providers) {
    if (by.length > 1) {
      throw new DibError('DIB_E_PROVIDES', `"${virtual}" is provided by more than one element: ${by.join(', ')}`, { location: { element: by[0] } });
    }
    if (loaded.has(virtual)) {
      throw new DibError('DIB_E_PROVIDES', `"${virtual}" is both an element in the build and provided by ${by[0]}`, { location: { element: by[0] } });
    }
    for (const r of reasons.get(virtual) ?? []) addReason(by[0], `provides ${virtual} (${r})`);
  }
  for (const [name, reason] of unresolved) {
    if (!providers.has(name)) throw finder.notFound(name, reason);
  }
  const osProviders = providers.get(OS) ?? [];
  if (osProviders.length === 0 && options.requireOperatingSystem !== false) {
    throw new DibError('DIB_E_NO_OPERATING_SYSTEM', `none of the elements (${[...loaded.keys()].join(', ')}) provides "${OS}"`);
  }

  const actual = (name: string) => (loaded.has(name) ? name : providers.get(name)?.[0]);
  for (const el of loaded.values()) {
    for (const c of el.manifest.conflicts) {
      const other = actual(c);
      if (other && other !== el.name) {
        throw new DibError('DIB_E_ELEMENT_CONFLICT', `element "${el.name}" conflicts with "${c}"${other !== c ? ` (provided by ${other})` : ''}`, {
          location: { element: el.name },
        });
      }
    }
  }

  return orderByDependencies([...loaded.values()], actual).map((el) => ({ ...el, reasons: reasons.get(el.name) ?? [] }));
}

/** Depth-first topological order (dependencies first), stable by first appearance; a cycle is an error naming it. */
function orderByDependencies(elements: LoadedElement[], actual: (name: string) => string | undefined): LoadedElement[] {
  const byName = new Map(elements.map((e) => [e.name, e]));
  const done = new Set<string>();
  const path: string[] = [];
  const out: LoadedElement[] = [];
  const visit = (name: string) => {
    if (done.has(name)) return;
    const at = path.indexOf(name);
    if (at >= 0) {
      const cycle = [...path.slice(at), name].join(' -> ');
      throw new DibError('DIB_E_DEPENDENCY_CYCLE', `elements depend on each other in a cycle: ${cycle}`, { location: { element: name } });
    }
    path.push(name);
    const el = byName.get(name)!;
    for (const dep of el.manifest.dependencies) {
      const target = actual(dep);
      if (target) visit(target);
    }
    path.pop();
    done.add(name);
    out.push(el);
  };
  for (const el of elements) visit(el.name);
  return out;
}
