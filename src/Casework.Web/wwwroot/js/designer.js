// The workflow designer. The page's form carries the diagram's BPMN XML; this draws it with bpmn-js (the modeler for
// supervisors, the viewer for everyone else), puts the edited XML back into the form just before it is posted, marks
// the elements the server found problems on, and asks before leaving with changes that were not saved.
(function () {
  'use strict';

  const canvasHost = document.getElementById('designer-canvas');
  const source = document.getElementById('designer-bpmn');
  if (!canvasHost || !source || typeof window.BpmnJS !== 'function') {
    return;
  }

  const editable = canvasHost.dataset.editable === 'true';
  const diagram = new window.BpmnJS({ container: canvasHost });
  const status = document.getElementById('designer-status');
  let dirty = canvasHost.dataset.unsaved === 'true';

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function markProblems() {
    const registry = diagram.get('elementRegistry');
    const canvas = diagram.get('canvas');
    document.querySelectorAll('[data-problem-element]').forEach(function (item) {
      const element = registry.get(item.dataset.problemElement);
      if (!element) {
        return;
      }

      canvas.addMarker(element.id, 'cw-problem');
      const show = document.createElement('button');
      show.type = 'button';
      show.className = 'cw-show-element';
      show.textContent = 'Show on the diagram';
      show.addEventListener('click', function () {
        canvas.scrollToElement(element);
        if (editable) {
          diagram.get('selection').select(element);
        }
      });
      item.appendChild(show);
    });
  }

  diagram.importXML(source.value).then(function (result) {
    diagram.get('canvas').zoom('fit-viewport', 'auto');
    markProblems();
    canvasHost.dataset.state = 'ready';
    say(result.warnings.length ? 'The diagram was drawn with ' + result.warnings.length + ' warning(s) from bpmn-js.' : '');
  }).catch(function (error) {
    canvasHost.dataset.state = 'failed';
    say('The diagram could not be drawn: ' + error.message + '. Validate it to see what is wrong.');
  });

  if (!editable) {
    return;
  }

  // The properties panel: what bpmn-js draws nothing for, that is the project's own attributes (cw:…), a flow's
  // condition, a timer's kind and expression, the message an element waits for, the workflow a call activity starts
  // and the variables it passes, a script task's script, the error an event raises or catches and where a caught one is
  // kept, and a user task's instructions (its documentation).
  const casework = 'urn:casework:bpmn';
  const panel = document.getElementById('designer-properties');
  let selected = null;

  function prefix() {
    const attrs = diagram.getDefinitions().$attrs;
    const declared = Object.keys(attrs).find(function (key) { return key.indexOf('xmlns:') === 0 && attrs[key] === casework; });
    if (declared) {
      return declared.substring('xmlns:'.length);
    }

    attrs['xmlns:cw'] = casework;
    return 'cw';
  }

  // The event definition of a kind on an event (timer, message), if it has one.
  function definitionOf(businessObject, type) {
    return (businessObject.eventDefinitions || []).find(function (definition) { return definition.$instanceOf(type); }) || null;
  }

  const timerKinds = ['timeDuration', 'timeDate', 'timeCycle'];

  // What a message event or receive task waits for: its own element, and its event definition if it is an event.
  function messageOf(businessObject) {
    const definition = definitionOf(businessObject, 'bpmn:MessageEventDefinition');
    if (!definition && !businessObject.$instanceOf('bpmn:ReceiveTask')) {
      return null;
    }

    return { definition: definition, message: (definition || businessObject).messageRef || null };
  }

  // A call activity's variable mappings: cw:in and cw:out in its extension elements (camunda:in and camunda:out are read
  // too, as the engine reads them, and are rewritten as cw: when the mappings are changed here).
  const mappingNamespaces = [casework, 'http://camunda.org/schema/1.0/bpmn'];
  const mappingFields = { passAll: true, inputs: 'in', outputs: 'out' };

  function mappingDirection(value) {
    const ns = value.$descriptor && value.$descriptor.ns;
    return ns && mappingNamespaces.indexOf(ns.uri) >= 0 && (ns.localName === 'in' || ns.localName === 'out') ? ns.localName : null;
  }

  function extensionValues(businessObject) {
    return (businessObject.extensionElements && businessObject.extensionElements.values) || [];
  }

  function readMappings(businessObject, property) {
    const mappings = extensionValues(businessObject).filter(mappingDirection);
    if (property === 'passAll') {
      return mappings.some(function (m) { return m.variables === 'all'; }) ? 'true' : '';
    }

    return mappings.filter(function (m) { return mappingDirection(m) === mappingFields[property] && m.variables !== 'all'; })
      .map(function (m) {
        const source = m.source || (m.sourceExpression ? (m.sourceExpression.indexOf('${') === 0 ? m.sourceExpression : '${' + m.sourceExpression + '}') : '');
        return source === m.target ? m.target : [m.target || '', '=', source].join(' ').trim();
      }).join('\n');
  }

  // Rewrites every mapping from the three fields; other extension elements stay as they are. A line is
  // "target = source" (split at the first '=', so an expression may hold more) or a lone name passed as itself. A line
  // missing a side is written as it is, and publishing names the call activity.
  function writeMappings(modeling, element) {
    const businessObject = element.businessObject;
    const moddle = diagram.get('moddle');
    const kept = extensionValues(businessObject).filter(function (value) { return !mappingDirection(value); });
    const created = [];
    if (panel.querySelector('[data-prop=passAll]').checked) {
      created.push(moddle.createAny(prefix() + ':in', casework, { variables: 'all' }));
    }

    ['inputs', 'outputs'].forEach(function (field) {
      panel.querySelector('[data-prop=' + field + ']').value.split('\n').forEach(function (line) {
        if (!line.trim()) {
          return;
        }

        const split = line.indexOf('=');
        const target = (split < 0 ? line : line.substring(0, split)).trim();
        const source = split < 0 ? target : line.substring(split + 1).trim();
        created.push(moddle.createAny(prefix() + ':' + mappingFields[field], casework, { source: source, target: target }));
      });
    });

    const values = kept.concat(created);
    if (!businessObject.extensionElements) {
      if (values.length) {
        const extensions = moddle.create('bpmn:ExtensionElements', { values: values });
        values.forEach(function (value) { value.$parent = extensions; });
        modeling.updateProperties(element, { extensionElements: extensions });
      }

      return;
    }

    values.forEach(function (value) { value.$parent = businessObject.extensionElements; });
    if (values.length) {
      modeling.updateModdleProperties(element, businessObject.extensionElements, { values: values });
    } else {
      modeling.updateProperties(element, { extensionElements: undefined });
    }
  }

  // The errors declared in the file (bpmn:error, shared by every event that refers to one).
  function declaredErrors() {
    return (diagram.getDefinitions().rootElements || []).filter(function (root) { return root.$instanceOf('bpmn:Error'); });
  }

  // Points the event at the declared error with that code, declaring one if there is none, so that other events
  // referring to the error they shared keep their code; blank takes the reference away (a boundary event then catches
  // every error).
  function writeErrorCode(modeling, element, code) {
    const definition = definitionOf(element.businessObject, 'bpmn:ErrorEventDefinition');
    if (!code) {
      modeling.updateModdleProperties(element, definition, { errorRef: undefined });
      return;
    }

    let error = declaredErrors().find(function (e) { return (e.errorCode || e.id) === code; });
    if (!error) {
      const moddle = diagram.get('moddle');
      const definitions = diagram.getDefinitions();
      error = moddle.create('bpmn:Error', { name: code, errorCode: code });
      error.id = moddle.ids.nextPrefixed('Error_', error);
      error.$parent = definitions;
      modeling.updateModdleProperties(element, definitions, { rootElements: (definitions.rootElements || []).concat([error]) });
    }

    modeling.updateModdleProperties(element, definition, { errorRef: error });
  }

  function attribute(moddleElement, name) {
    return (moddleElement && moddleElement.$attrs[prefix() + ':' + name]) || '';
  }

  function read(businessObject, property) {
    if (property === 'name') {
      return businessObject.name || '';
    }

    if (property === 'condition') {
      return (businessObject.conditionExpression && businessObject.conditionExpression.body) || '';
    }

    const timer = definitionOf(businessObject, 'bpmn:TimerEventDefinition');
    if (property === 'timerKind') {
      return (timer && timerKinds.find(function (kind) { return timer[kind]; })) || 'timeDuration';
    }

    if (property === 'timerValue') {
      const kind = timer && timerKinds.find(function (k) { return timer[k]; });
      return (kind && timer[kind].body) || '';
    }

    const waits = messageOf(businessObject);
    if (property === 'messageName') {
      return waits ? (waits.message ? waits.message.name || waits.message.id : attribute(businessObject, 'message')) : '';
    }

    if (property === 'correlationKey') {
      return waits ? attribute(businessObject, 'correlationKey') || attribute(waits.definition, 'correlationKey') : '';
    }

    if (property === 'calledElement' || property === 'script') {
      return businessObject[property] || '';
    }

    if (property === 'documentation') {
      return (businessObject.documentation || []).map(function (d) { return (d.text || '').trim(); }).filter(Boolean).join('\n\n');
    }

    if (mappingFields[property]) {
      return readMappings(businessObject, property);
    }

    if (property === 'errorCode') {
      const error = definitionOf(businessObject, 'bpmn:ErrorEventDefinition');
      return (error && error.errorRef && (error.errorRef.errorCode || error.errorRef.id)) || '';
    }

    return businessObject.$attrs[prefix() + property.substring(2)] || '';
  }

  // Sets what a changed field stands for, through modeling so that undo works and the change counts as unsaved.
  function write(modeling, element, field) {
    const businessObject = element.businessObject;
    const value = field.value.trim();
    const properties = {};
    if (field.dataset.role !== undefined) {
      const roles = Array.prototype.map.call(panel.querySelectorAll('[data-role]:checked'), function (box) { return box.dataset.role; });
      properties[prefix() + ':candidateRoles'] = roles.length ? roles.join(',') : undefined;
    } else if (field.dataset.prop === 'condition') {
      properties.conditionExpression = value ? diagram.get('moddle').create('bpmn:FormalExpression', { body: value }) : undefined;
    } else if (field.dataset.prop === 'timerKind' || field.dataset.prop === 'timerValue') {
      // One of the three kinds at a time: the chosen one carries the expression, the others go.
      const kind = panel.querySelector('[data-prop=timerKind]').value;
      const when = panel.querySelector('[data-prop=timerValue]').value.trim();
      const timer = {};
      timerKinds.forEach(function (k) { timer[k] = undefined; });
      timer[kind] = when ? diagram.get('moddle').create('bpmn:FormalExpression', { body: when }) : undefined;
      modeling.updateModdleProperties(element, definitionOf(businessObject, 'bpmn:TimerEventDefinition'), timer);
      return;
    } else if (field.dataset.prop === 'messageName') {
      const waits = messageOf(businessObject);
      if (waits.message) {
        // A message declared once in the file and referred to: its name is what senders use.
        modeling.updateModdleProperties(element, waits.message, { name: value || undefined });
        return;
      }

      properties[prefix() + ':message'] = value || undefined;
    } else if (field.dataset.prop === 'correlationKey') {
      const waits = messageOf(businessObject);
      if (waits.definition && attribute(waits.definition, 'correlationKey')) {
        // The element's own key wins; one left on the event definition would come back when the field is cleared.
        const cleared = {};
        cleared[prefix() + ':correlationKey'] = undefined;
        modeling.updateModdleProperties(element, waits.definition, cleared);
      }

      properties[prefix() + ':correlationKey'] = value || undefined;
    } else if (field.dataset.prop === 'calledElement' || field.dataset.prop === 'script') {
      properties[field.dataset.prop] = (field.dataset.prop === 'script' ? field.value : value) || undefined;
    } else if (field.dataset.prop === 'errorCode') {
      writeErrorCode(modeling, element, value);
      return;
    } else if (field.dataset.prop === 'documentation') {
      // The instructions are one documentation element; several written elsewhere become one when changed here.
      properties.documentation = value ? [diagram.get('moddle').create('bpmn:Documentation', { text: value })] : [];
    } else if (mappingFields[field.dataset.prop]) {
      writeMappings(modeling, element);
      return;
    } else if (field.dataset.prop === 'name') {
      properties.name = value || undefined;
    } else if (field.dataset.prop) {
      properties[prefix() + field.dataset.prop.substring(2)] = value || undefined;
    }

    modeling.updateProperties(element, properties);
  }

  function show(element) {
    selected = element;
    panel.querySelector('[data-panel=none]').hidden = !!element;
    panel.querySelector('[data-panel=element]').hidden = !element;
    if (!element) {
      return;
    }

    const businessObject = element.businessObject;
    panel.querySelector('[data-bind=type]').textContent = businessObject.$type.replace('bpmn:', '');
    panel.querySelector('[data-bind=id]').textContent = businessObject.id;
    panel.querySelector('[data-section=userTask]').hidden = !businessObject.$instanceOf('bpmn:UserTask');
    panel.querySelector('[data-section=serviceTask]').hidden = !businessObject.$instanceOf('bpmn:ServiceTask');
    panel.querySelector('[data-section=sequenceFlow]').hidden = !businessObject.$instanceOf('bpmn:SequenceFlow');
    panel.querySelector('[data-section=flowNode]').hidden = !businessObject.$instanceOf('bpmn:FlowNode');
    panel.querySelector('[data-section=timer]').hidden = !definitionOf(businessObject, 'bpmn:TimerEventDefinition');
    panel.querySelector('[data-section=message]').hidden = !messageOf(businessObject);
    panel.querySelector('[data-section=error]').hidden = !definitionOf(businessObject, 'bpmn:ErrorEventDefinition');
    panel.querySelector('[data-section=errorCatch]').hidden = !businessObject.$instanceOf('bpmn:BoundaryEvent');
    const codes = panel.querySelector('#designer-error-codes');
    codes.replaceChildren.apply(codes, declaredErrors().map(function (e) {
      const option = document.createElement('option');
      option.value = e.errorCode || e.id;
      return option;
    }));
    panel.querySelector('[data-section=callActivity]').hidden = !businessObject.$instanceOf('bpmn:CallActivity');
    panel.querySelector('[data-section=scriptTask]').hidden = !businessObject.$instanceOf('bpmn:ScriptTask');
    panel.querySelectorAll('[data-prop]').forEach(function (field) {
      if (field.type === 'checkbox') {
        field.checked = read(businessObject, field.dataset.prop) === 'true';
      } else {
        field.value = read(businessObject, field.dataset.prop);
      }
    });
    const roles = read(businessObject, 'cw:candidateRoles').split(',').map(function (role) { return role.trim(); });
    panel.querySelectorAll('[data-role]').forEach(function (box) {
      box.checked = roles.indexOf(box.dataset.role) >= 0;
    });
  }

  if (panel) {
    const modeling = diagram.get('modeling');
    diagram.on('selection.changed', function (event) {
      show(event.newSelection.length === 1 && event.newSelection[0].type !== 'label' ? event.newSelection[0] : null);
    });
    diagram.on('elements.changed', function (event) {
      if (selected && event.elements.indexOf(selected) >= 0) {
        show(selected);
      }
    });
    // A change in the panel may take several modeling commands (a new error code declares the error, then points the
    // event at it); running them inside one command of our own makes them one step for undo and redo.
    const commandStack = diagram.get('commandStack');
    commandStack.registerHandler('casework.properties.write', function () {
      this.preExecute = function (context) {
        write(modeling, context.element, context.field);
      };
    });
    panel.addEventListener('change', function (event) {
      if (!selected) {
        return;
      }

      commandStack.execute('casework.properties.write', { element: selected, field: event.target });
    });
  }

  diagram.on('commandStack.changed', function () {
    dirty = true;
    canvasHost.dataset.changed = 'true';
  });

  window.addEventListener('beforeunload', function (event) {
    if (dirty) {
      event.preventDefault();
      event.returnValue = '';
    }
  });

  const form = document.getElementById('designer-form');
  form.addEventListener('submit', function (event) {
    if (form.dataset.serialised === 'true' || canvasHost.dataset.state !== 'ready') {
      dirty = false;
      return;
    }

    // Post what is on the canvas, not what the page was loaded with.
    event.preventDefault();
    const submitter = event.submitter;
    diagram.saveXML({ format: true }).then(function (result) {
      source.value = result.xml;
      form.dataset.serialised = 'true';
      dirty = false;
      // On the next task: the browser ignores a submission requested while it is still firing this submit event, which
      // is where saveXML's promise can settle.
      window.setTimeout(function () {
        form.requestSubmit(submitter);
      }, 0);
    }).catch(function (error) {
      say('The diagram could not be written out, so nothing was sent: ' + error.message);
    });
  });
}());
