// The validator must reject broken manifests, not only accept good ones: each case below breaks a copy of
// deploy/kubernetes in one way and expects an error that names it.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validateDirectory } from "./validate.mjs";

const source = process.argv[2] ?? "deploy/kubernetes";
const cases = [
  ["a misspelt field", "deployment.yaml", "readinessProbe:", "readinesProbe:", "unknown field"],
  ["a misspelt nested field", "deployment.yaml", "valueFrom:", "valueFom:", "unknown field"],
  ["a string for an integer", "deployment.yaml", "replicas: 2", "replicas: two", "must be integer"],
  ["a missing required field", "service.yaml", "      port: 80\n", "", "must have required property port"],
  ["an API version that does not exist", "hpa.yaml", "autoscaling/v2", "autoscaling/v9", "unknown apiVersion"],
  [
    "a Service that selects nothing",
    "service.yaml",
    "  selector:\n    app.kubernetes.io/name: chat-service",
    "  selector:\n    app: other",
    "selector",
  ],
  ["a Secret key that does not exist", "deployment.yaml", "key: password", "key: passwd", "no key passwd"],
  ["a writable root filesystem", "deployment.yaml", "readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false", "read-only"],
  ["a single replica", "deployment.yaml", "replicas: 2", "replicas: 1", "two replicas"],
  ["a real value in the Secret template", "secret.template.yaml", '"<database password>"', "hunter2", "placeholder"],
];

let failed = 0;
for (const [what, file, from, to, expected] of cases) {
  const dir = mkdtempSync(join(tmpdir(), "manifests-"));
  try {
    cpSync(source, dir, { recursive: true });
    const text = readFileSync(join(dir, file), "utf8");
    if (!text.includes(from)) {
      throw new Error(`${file} no longer contains ${JSON.stringify(from)}: update this case`);
    }
    writeFileSync(join(dir, file), text.replace(from, to));
    const { errors } = await validateDirectory(dir);
    if (errors.some((e) => e.includes(expected))) {
      console.log(`rejected, as it must be: ${what}`);
    } else {
      failed++;
      console.error(`NOT REJECTED: ${what} (expected an error with "${expected}", got ${JSON.stringify(errors)})`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
console.log(`${cases.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
