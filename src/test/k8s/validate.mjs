// Validates the manifests in a directory (deploy/kubernetes); exits non-zero if anything is wrong.
//
// 1. Schema: every object is checked by kubernetes-models, whose validators are compiled from the JSON
//    schemas of the Kubernetes API's OpenAPI document (types, required fields, formats, int-or-string).
// 2. Unknown fields: those validators accept any extra field, as the API server does not (kubectl applies
//    with strict field validation), so a typo such as `readinesProbe` would pass. Every field is therefore
//    also looked up in the field lists of the official JavaScript client's models (@kubernetes/client-node,
//    generated from the same OpenAPI document).
// 3. The set: kustomization.yaml lists every manifest but the Secret template; selectors, names, ports,
//    ConfigMap and Secret references match; and what issue 10 requires of the Deployment is there.
//
// kubectl cannot do 1 or 2 here: `kubectl apply --dry-run=client --validate=strict` fetches the schemas from
// a cluster's API server, and there is none.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
// The generated models only: the package root needs Node.js 22.
import * as client from "@kubernetes/client-node/dist/gen/models/ObjectSerializer.js";

const TEMPLATE = "secret.template.yaml";

/** Every error found in the manifests of a directory; an empty list when they are valid. */
export async function validateDirectory(dir) {
  const errors = [];
  const fail = (where, message) => errors.push(`${where}: ${message}`);

  // ---- Load ----
  const files = readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort();
  const objects = [];
  for (const file of files) {
    // YAML 1.1, as Kubernetes reads it (`on` is a boolean, 0440 is octal).
    for (const doc of parseAllDocuments(readFileSync(join(dir, file), "utf8"), { version: "1.1" })) {
      if (doc.errors.length > 0) {
        doc.errors.forEach((e) => fail(file, `YAML: ${e.message}`));
      } else if (doc.contents !== null) {
        objects.push({ file, object: doc.toJS() });
      }
    }
  }

  // ---- 1 and 2: each object against the API ----
  function className(apiVersion, kind) {
    const version = apiVersion.split("/").pop();
    return version[0].toUpperCase() + version.slice(1) + kind;
  }

  function strict(value, type, path, where) {
    if (value === null || typeof value !== "object") {
      return;
    }
    let m = /^Array<(.+)>$/.exec(type);
    if (m) {
      (Array.isArray(value) ? value : []).forEach((v, i) => strict(v, m[1], `${path}[${i}]`, where));
      return;
    }
    m = /^\{ \[key: string\]: (.+); \}$/.exec(type);
    if (m) {
      Object.entries(value).forEach(([k, v]) => strict(v, m[1], `${path}.${k}`, where));
      return;
    }
    const model = client[type];
    if (typeof model?.getAttributeTypeMap !== "function") {
      return; // a scalar, IntOrString, a free-form object: the schema check covers it
    }
    const fields = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
    for (const [key, v] of Object.entries(value)) {
      if (fields.has(key)) {
        strict(v, fields.get(key), `${path}.${key}`, where);
      } else {
        fail(where, `${path}.${key}: unknown field of ${type}`);
      }
    }
  }

  const kustomizations = [];
  for (const { file, object } of objects) {
    const where = `${file} ${object.kind}/${object.metadata?.name}`;
    if (object.kind === "Kustomization") {
      kustomizations.push({ file, object });
      continue;
    }
    const [group, version] = object.apiVersion.includes("/") ? object.apiVersion.split("/") : ["", object.apiVersion];
    let Model;
    try {
      Model = (await import(`kubernetes-models/${group ? `${group}/` : ""}${version}`))[object.kind];
    } catch {
      Model = undefined;
    }
    if (!Model) {
      fail(where, `unknown apiVersion/kind ${object.apiVersion} ${object.kind}`);
      continue;
    }
    try {
      new Model(object).validate();
    } catch (e) {
      fail(where, `schema: ${e.message}`);
    }
    const root = className(object.apiVersion, object.kind);
    if (typeof client[root]?.getAttributeTypeMap !== "function") {
      fail(where, `no field list for ${root}`);
    } else {
      strict(object, root, object.kind, where);
    }
  }

  // ---- 3: the set ----
  const find = (kind) => objects.filter((o) => o.object.kind === kind).map((o) => o.object);
  const one = (kind) => {
    const found = find(kind);
    if (found.length !== 1) {
      fail("set", `expected one ${kind}, found ${found.length}`);
    }
    return found[0];
  };
  const subset = (selector, labels) => Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
  const check = (condition, message) => condition || fail("set", message);

  if (kustomizations.length !== 1) {
    fail("set", "expected one kustomization.yaml");
  } else {
    const listed = new Set(kustomizations[0].object.resources ?? []);
    for (const file of files.filter((f) => f !== kustomizations[0].file && f !== TEMPLATE)) {
      check(listed.has(file), `${file} is not listed in kustomization.yaml`);
    }
    check(!listed.has(TEMPLATE), `${TEMPLATE} must not be applied`);
    for (const file of listed) {
      check(files.includes(file), `kustomization.yaml lists ${file}, which does not exist`);
    }
  }

  const deployment = one("Deployment");
  const service = one("Service");
  const pdb = one("PodDisruptionBudget");
  const hpa = one("HorizontalPodAutoscaler");
  const configMap = one("ConfigMap");
  const secrets = find("Secret");
  if (deployment && service && pdb && hpa && configMap) {
    const pod = deployment.spec.template;
    const labels = pod.metadata.labels;
    check(subset(deployment.spec.selector.matchLabels, labels), "the Deployment's selector misses its pods");
    check(subset(service.spec.selector, labels), "the Service's selector misses the pods");
    check(subset(pdb.spec.selector.matchLabels, labels), "the PodDisruptionBudget's selector misses the pods");
    const target = hpa.spec.scaleTargetRef;
    check(target.kind === "Deployment" && target.name === deployment.metadata.name, "the HPA scales another object");
    check(deployment.spec.replicas === 2 && hpa.spec.minReplicas >= 2, "two replicas at least");

    const spec = pod.spec;
    check(spec.terminationGracePeriodSeconds > 0, "terminationGracePeriodSeconds is set");
    check(spec.securityContext?.runAsNonRoot === true, "the pod runs as non-root");
    check(spec.containers.length === 1, "one container");
    const container = spec.containers[0];
    const env = new Map((container.env ?? []).map((e) => [e.name, e]));
    check(env.get("CHAT_FANOUT")?.value === "redis", "CHAT_FANOUT=redis");
    for (const name of ["QUARKUS_DATASOURCE_REACTIVE_URL", "QUARKUS_DATASOURCE_JDBC_URL", "QUARKUS_REDIS_HOSTS"]) {
      check(configMap.data?.[name], `the ConfigMap sets ${name}`);
    }
    check(
      (container.envFrom ?? []).some((e) => e.configMapRef?.name === configMap.metadata.name),
      "the container takes the ConfigMap"
    );
    check(container.resources?.requests?.cpu && container.resources?.requests?.memory, "resource requests");
    check(container.resources?.limits?.memory, "a memory limit");
    check(container.readinessProbe?.httpGet?.path === "/q/health/ready", "readiness probe on /q/health/ready");
    check(container.livenessProbe?.httpGet?.path === "/q/health/live", "liveness probe on /q/health/live");
    check(container.startupProbe?.httpGet?.path, "a startup probe");
    check(container.lifecycle?.preStop, "a preStop hook");
    const security = container.securityContext ?? {};
    check(security.readOnlyRootFilesystem === true, "read-only root filesystem");
    check(security.allowPrivilegeEscalation === false, "no privilege escalation");
    check((security.capabilities?.drop ?? []).includes("ALL"), "every capability dropped");

    const ports = new Set((container.ports ?? []).map((p) => p.name));
    for (const probe of ["readinessProbe", "livenessProbe", "startupProbe"]) {
      const port = container[probe]?.httpGet?.port;
      check(typeof port !== "string" || ports.has(port), `${probe} names port ${port}, which the container lacks`);
    }
    for (const port of service.spec.ports) {
      check(
        typeof port.targetPort !== "string" || ports.has(port.targetPort),
        `the Service targets port ${port.targetPort}, which the container lacks`
      );
    }
    const secretKeys = (name) => {
      const secret = secrets.find((s) => s.metadata.name === name);
      return secret ? new Set(Object.keys({ ...secret.data, ...secret.stringData })) : null;
    };
    for (const e of container.env ?? []) {
      const ref = e.valueFrom?.secretKeyRef;
      if (ref) {
        check(secretKeys(ref.name)?.has(ref.key), `${e.name}: no key ${ref.key} in Secret ${ref.name} (${TEMPLATE})`);
      }
    }
    for (const volume of spec.volumes ?? []) {
      if (volume.secret) {
        const keys = secretKeys(volume.secret.secretName);
        check(keys, `volume ${volume.name}: no Secret ${volume.secret.secretName} in ${TEMPLATE}`);
        const mount = (container.volumeMounts ?? []).find((m) => m.name === volume.name);
        for (const e of container.env ?? []) {
          if (mount && e.value?.startsWith(`${mount.mountPath}/`)) {
            const key = e.value.slice(mount.mountPath.length + 1);
            check(keys?.has(key), `${e.name} points at ${key}, which Secret ${volume.secret.secretName} lacks`);
          }
        }
      }
    }
  }
  for (const secret of secrets) {
    const file = objects.find((o) => o.object === secret).file;
    check(file === TEMPLATE, `Secret ${secret.metadata.name} outside ${TEMPLATE}`);
    for (const [key, value] of Object.entries(secret.stringData ?? {})) {
      check(String(value).trim().startsWith("<"), `Secret ${secret.metadata.name}.${key} is not a placeholder`);
    }
    check(!secret.data, `Secret ${secret.metadata.name} has data: placeholders go in stringData`);
  }

  return { errors, objects, files };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2] ?? "deploy/kubernetes";
  const { errors, objects, files } = await validateDirectory(dir);
  if (errors.length > 0) {
    errors.forEach((e) => console.error(`INVALID ${e}`));
    console.error(`${objects.length} objects in ${files.length} files: ${errors.length} errors`);
    process.exit(1);
  }
  for (const { file, object } of objects) {
    console.log(`valid ${file} ${object.apiVersion} ${object.kind}/${object.metadata?.name ?? ""}`);
  }
  console.log(`${objects.length} objects in ${files.length} files valid`);
}
