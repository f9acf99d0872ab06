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

  // The properties panel: the project's own attributes (cw:…) that bpmn-js draws nothing for, set through modeling so
  // that undo works and the change counts as unsaved.
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

  function read(businessObject, property) {
    if (property === 'name') {
      return businessObject.name || '';
    }

    if (property === 'condition') {
      return (businessObject.conditionExpression && businessObject.conditionExpression.body) || '';
    }

    return businessObject.$attrs[prefix() + property.substring(2)] || '';
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
    panel.querySelectorAll('[data-prop]').forEach(function (field) {
      field.value = read(businessObject, field.dataset.prop);
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
    panel.addEventListener('change', function (event) {
      if (!selected) {
        return;
      }

      const field = event.target;
      const properties = {};
      if (field.dataset.role !== undefined) {
        const roles = Array.prototype.map.call(panel.querySelectorAll('[data-role]:checked'), function (box) { return box.dataset.role; });
        properties[prefix() + ':candidateRoles'] = roles.length ? roles.join(',') : undefined;
      } else if (field.dataset.prop === 'condition') {
        properties.conditionExpression = field.value.trim()
          ? diagram.get('moddle').create('bpmn:FormalExpression', { body: field.value.trim() })
          : undefined;
      } else if (field.dataset.prop === 'name') {
        properties.name = field.value.trim() || undefined;
      } else if (field.dataset.prop) {
        properties[prefix() + field.dataset.prop.substring(2)] = field.value.trim() || undefined;
      }

      modeling.updateProperties(selected, properties);
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
