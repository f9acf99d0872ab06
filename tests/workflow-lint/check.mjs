// Reads BPMN files the way bpmn-js does before drawing them: bpmn-moddle parses the XML against the BPMN 2.0
// meta-model, then every flow element must have a shape or an edge in the diagram. Prints each problem and exits
// non-zero when there is one.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import BpmnModdle from 'bpmn-moddle';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node check.mjs FILE.bpmn...');
  process.exit(2);
}

const moddle = new BpmnModdle();
let problems = 0;
for (const file of files) {
  const { rootElement, warnings } = await moddle.fromXML(await readFile(file, 'utf8'));
  for (const warning of warnings) {
    console.log(`${basename(file)}: ${warning.message}`);
    problems++;
  }

  const drawn = new Set();
  for (const diagram of rootElement.diagrams ?? []) {
    for (const element of diagram.plane?.planeElement ?? []) {
      if (element.bpmnElement) drawn.add(element.bpmnElement.id);
    }
  }

  const processes = rootElement.rootElements.filter(e => e.$type === 'bpmn:Process');
  const walk = container => (container.flowElements ?? []).flatMap(e => [e, ...(e.$type === 'bpmn:SubProcess' ? walk(e) : [])]);
  for (const process of processes) {
    for (const element of walk(process)) {
      if (!drawn.has(element.id)) {
        console.log(`${basename(file)}: ${element.$type} '${element.id}' has no shape or edge in the diagram`);
        problems++;
      }
    }
  }

  console.log(`${basename(file)}: ${processes.length} process(es), ${drawn.size} diagram elements`);
}

process.exit(problems === 0 ? 0 : 1);
