import {
  capabilitiesFor,
  encodeLifecycleLabel,
  encodeProjectLabel,
  Labels,
  type ApiVersion,
  type BuildMetadata,
  type BuildpackRecord,
  type LayerRecord,
  type LifecycleMetadata,
  type MetadataProcess,
  type ProjectMetadata,
  type RunImageRecord,
} from '../../platform/index.js';
import type { BuildpackPlan } from './layer-plan.js';
import type { LauncherInfo } from './types.js';

/** diffIDs of the lifecycle-made layers, for LBL-01..LBL-03. */
export interface LayerShas {
  readonly app: readonly string[];
  readonly sbom?: string;
  readonly config: string;
  readonly launcher: string;
  readonly processTypes: string;
  /** diffID per buildpack layer key `<bp id>:<layer>`, launch layers only. */
  readonly buildpackLayers: ReadonlyMap<string, string>;
}

/** LBL-LIFECYCLE: buildpacks (launch layers only, LBL-04; store, EP-28), app, sbom, config, launcher, runImage. */
export function lifecycleMetadata(plan: readonly BuildpackPlan[], shas: LayerShas, runImage: RunImageRecord, api: ApiVersion): LifecycleMetadata {
  const buildpacks: BuildpackRecord[] = plan.map((bp) => {
    const layers: Record<string, LayerRecord> = {};
    for (const l of bp.layers) {
      if (!l.types.launch) continue;
      const sha = shas.buildpackLayers.get(`${bp.id}:${l.name}`) ?? '';
      layers[l.name] = { sha, data: l.metadata, build: l.types.build, launch: l.types.launch, cache: l.types.cache };
    }
    return { key: bp.id, version: bp.version, layers, ...(bp.store ? { store: bp.store } : {}) };
  });
  const withNames = capabilitiesFor(api).runToml; // LBL-05: runImage.image/mirrors ≥0.12
  const ri: RunImageRecord = {
    topLayer: runImage.topLayer,
    reference: runImage.reference,
    ...(withNames && runImage.image ? { image: runImage.image } : {}),
    ...(withNames && runImage.mirrors?.length ? { mirrors: runImage.mirrors } : {}),
  };
  return {
    app: shas.app.map((sha) => ({ sha })),
    ...(shas.sbom ? { sbom: { sha: shas.sbom } } : {}),
    buildpacks,
    config: { sha: shas.config },
    launcher: { sha: shas.launcher },
    processTypes: { sha: shas.processTypes },
    runImage: ri,
    // LBL-06 [REF]: the deprecated stack key is still written when a run image name is known
    ...(runImage.image ? { stack: { runImage: { image: runImage.image, ...(runImage.mirrors?.length ? { mirrors: runImage.mirrors } : {}) } } } : {}),
  };
}

function processJson(p: MetadataProcess, api: ApiVersion): Record<string, unknown> {
  const caps = capabilitiesFor(api);
  return {
    type: p.type,
    // LBL-07 / BL-18: command is a string below 0.10, extra elements moving to the front of args
    command: caps.commandArray ? [...p.command] : (p.command[0] ?? ''),
    args: caps.commandArray ? [...p.args] : [...p.command.slice(1), ...p.args],
    direct: p.direct,
    ...(caps.processWorkingDir && p.workingDir ? { 'working-dir': p.workingDir } : {}),
    ...(caps.buildLabelIds ? { buildpackID: p.buildpackId } : {}),
    ...(caps.execEnv ? { 'exec-env': p.execEnv && p.execEnv.length > 0 ? [...p.execEnv] : ['*'] } : {}),
  };
}

/**
 * LBL-BUILD (`io.buildpacks.build.metadata`) per Platform API (LBL-07): processes, buildpacks (ERRATA-12:
 * no `api`, as [REF]), extensions (≥0.10), launcher (LBL-08), buildpack-default-process-type [REF].
 */
export function buildMetadataLabel(md: BuildMetadata, launcher: LauncherInfo, api: ApiVersion): string {
  const caps = capabilitiesFor(api);
  const bp = (b: { id: string; version: string; homepage?: string }) => ({ id: b.id, version: b.version, ...(b.homepage ? { homepage: b.homepage } : {}) });
  return JSON.stringify({
    ...(api.lessThan('0.9') && md.bom.length > 0 ? { bom: md.bom } : {}),
    buildpacks: md.buildpacks.map(bp),
    ...(caps.extensions && md.extensions.length > 0 ? { extensions: md.extensions.map(bp) } : {}),
    launcher,
    processes: md.processes.map((p) => processJson(p, api)),
    ...(md.buildpackDefaultProcessType ? { 'buildpack-default-process-type': md.buildpackDefaultProcessType } : {}),
  });
}

/** Every label the exporter sets (EP-17, EP-18, EP-22); inherited labels are kept by the caller (EP-19). */
export function imageLabels(o: {
  lifecycle: LifecycleMetadata;
  build: BuildMetadata;
  project: ProjectMetadata;
  launcher: LauncherInfo;
  api: ApiVersion;
  execEnv?: string;
}): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const l of o.build.labels) labels[l.key] = l.value; // EP-18: the last buildpack wins
  labels[Labels.lifecycleMetadata] = encodeLifecycleLabel(o.lifecycle);
  labels[Labels.buildMetadata] = buildMetadataLabel(o.build, o.launcher, o.api);
  labels[Labels.projectMetadata] = encodeProjectLabel(o.project); // EP-17, FMT-10: {} when absent
  if (capabilitiesFor(o.api).execEnv && o.execEnv) labels[Labels.execEnv] = o.execEnv; // EP-22, ERRATA-08
  return labels;
}
