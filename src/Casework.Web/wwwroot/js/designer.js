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
