// dealgraph explore: the page's behaviour. Reads the data block with JSON.parse and writes
// every text from it with textContent (never innerHTML). All date rules were applied in
// Rust: each deal lists which report stands from which slider position on, and each loop the
// positions between which it exists.
(function () {
  'use strict';
  const D = JSON.parse(document.getElementById('dealgraph-data').textContent);
  const $ = (id) => document.getElementById(id);
  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function nameSpan(text) { return el('span', text, 'name'); }
  const last = D.dates.length - 1;
  const state = {
    pos: last,
    kinds: D.deal_kinds.map(() => true),
    statuses: D.statuses.map((s) => s.on),
    grades: D.grades.map((g) => g.on),
    loop: null,
    shown: D.deals.map(() => -2),
    visible: D.deals.map(() => false),
    loopsNow: [],
  };

  // Deals between each payer and payee, for loop hops.
  const pairDeals = new Map();
  D.deals.forEach((d, i) => {
    const key = d.from + ',' + d.to;
    if (!pairDeals.has(key)) pairDeals.set(key, []);
    pairDeals.get(key).push(i);
  });
  const kindsPresent = new Set(D.deals.map((d) => d.kind));

  // ---- the map ----
  const elements = [];
  D.entities.forEach((e, i) => {
    const k = D.entity_kinds[e.kind];
    elements.push({
      group: 'nodes',
      data: { id: 'n' + i, label: e.label, fill: k.fill, shape: k.shape, w: e.w, h: e.h },
      position: { x: e.x, y: e.y },
    });
  });
  D.deals.forEach((d, i) => {
    elements.push({
      group: 'edges',
      data: {
        id: 'd' + i, source: 'n' + d.from, target: 'n' + d.to, label: '', width: 1,
        colour: D.deal_kinds[d.kind].colour, dash: 'solid', fill: d.inferred ? 'hollow' : 'filled',
      },
      classes: 'hidden',
    });
  });
  const cy = cytoscape({
    container: $('cy'),
    elements: elements,
    layout: { name: 'preset' },
    minZoom: 0.02,
    maxZoom: 4,
    textureOnViewport: D.entities.length > 1500,
    hideEdgesOnViewport: D.deals.length > 4000,
    style: [
      { selector: 'node', style: {
        shape: 'data(shape)', 'background-color': 'data(fill)', width: 'data(w)', height: 'data(h)',
        label: 'data(label)', 'text-wrap': 'wrap', 'text-max-width': 1000, 'text-valign': 'center',
        'text-halign': 'center', 'font-size': 12, 'font-family': 'Helvetica, Arial, sans-serif',
        color: '#222222', 'border-width': 1, 'border-color': '#222222', 'min-zoomed-font-size': 6,
      } },
      { selector: 'edge', style: {
        'curve-style': 'bezier', 'control-point-step-size': 56, width: 'data(width)', 'line-color': 'data(colour)',
        'line-style': 'data(dash)', 'target-arrow-shape': 'triangle', 'target-arrow-color': 'data(colour)',
        'target-arrow-fill': 'data(fill)', 'arrow-scale': 1.1, label: 'data(label)', 'font-size': 9.5,
        'font-family': 'Helvetica, Arial, sans-serif', color: '#222222', 'text-wrap': 'wrap',
        'text-max-width': 150, 'text-background-color': '#ffffff', 'text-background-opacity': 0.85,
        'text-background-padding': 1, 'min-zoomed-font-size': 8,
      } },
      { selector: '.hidden', style: { display: 'none' } },
      { selector: '.faded', style: { opacity: D.faded_opacity } },
      { selector: 'edge.hl', style: { 'underlay-color': '#ffd400', 'underlay-opacity': 0.55, 'underlay-padding': 4, 'z-index': 10 } },
      { selector: 'node.hl', style: { 'border-width': 3 } },
      { selector: 'node.match', style: { 'border-width': 3, 'border-color': '#d55e00' } },
      { selector: ':selected', style: { 'overlay-color': '#0072b2', 'overlay-opacity': 0.18, 'overlay-padding': 5 } },
    ],
  });

  // ---- controls ----
  $('title').textContent = D.title;
  $('subtitle').textContent = D.data_label + ' · arrows point the way cash flows (payer → payee)';
  document.title = D.title + ' · ' + D.data_label + ' · dealgraph explore';
  const slider = $('date');
  slider.max = String(last);
  slider.value = String(last);
  $('date-first').textContent = D.dates[0];
  $('date-last').textContent = D.dates[last];

  D.deal_kinds.forEach((k, i) => {
    if (!kindsPresent.has(i)) return;
    const label = el('label');
    const box = el('input');
    box.type = 'checkbox';
    box.checked = true;
    box.addEventListener('change', () => { state.kinds[i] = box.checked; update(); });
    const sw = el('span', null, 'swatch');
    sw.style.borderTopColor = k.colour;
    label.append(box, sw, k.name);
    $('kinds').append(label);
  });
  D.statuses.forEach((s, i) => {
    const label = el('label');
    const box = el('input');
    box.type = 'checkbox';
    box.checked = s.on;
    box.addEventListener('change', () => { state.statuses[i] = box.checked; update(); });
    label.append(box, s.name);
    $('statuses').append(label);
  });
  D.grades.forEach((g, i) => {
    const label = el('label');
    const box = el('input');
    box.type = 'checkbox';
    box.checked = g.on;
    box.dataset.grade = g.name;
    box.addEventListener('change', () => { state.grades[i] = box.checked; update(); });
    label.append(box, g.words);
    $('grades').append(label);
  });

  function legend() {
    const box = $('legend');
    D.entity_kinds.forEach((k) => {
      const row = el('div');
      const sw = el('span', null, 'box');
      sw.style.background = k.fill;
      if (k.shape === 'ellipse') sw.style.borderRadius = '50%';
      if (k.shape === 'round-rectangle') sw.style.borderRadius = '4px';
      row.append(sw, k.legend + ' (' + k.shape_name + ')');
      box.append(row);
    });
    D.deal_kinds.forEach((k) => {
      const row = el('div');
      const sw = el('span', null, 'swatch');
      sw.style.borderTopColor = k.colour;
      row.append(sw, k.legend);
      box.append(row);
    });
    const seen = new Set();
    D.statuses.forEach((s) => {
      if (seen.has(s.legend)) return;
      seen.add(s.legend);
      const row = el('div');
      const sw = el('span', null, 'swatch');
      sw.style.borderTopStyle = s.dash;
      sw.style.borderTopColor = s.colour || '#222222';
      row.append(sw, s.legend);
      box.append(row);
    });
    box.append(el('div', 'Hollow arrowhead: inferred (no source states it; other figures imply it)'));
    box.append(el('div', 'Thicker line: larger amount ($1B → 2pt, $10B → 3pt, $100B → 4pt)'));
    box.append(el('div', 'Faded: off the highlighted loop'));
  }
  legend();

  // ---- the date, filters and counts ----
  function standingAt(d, pos) {
    let r = -1;
    for (const [p, report] of d.steps) {
      if (p > pos) break;
      r = report;
    }
    return r;
  }

  function update() {
    const degree = new Array(D.entities.length).fill(0);
    let edgeCount = 0;
    cy.batch(() => {
      D.deals.forEach((d, i) => {
        const r = standingAt(d, state.pos);
        const rep = r >= 0 ? d.reports[r] : null;
        const vis = !!rep && state.kinds[d.kind] && state.statuses[rep.status] &&
          state.grades[rep.grade] && rep.big_enough;
        const edge = cy.getElementById('d' + i);
        if (vis) {
          if (state.shown[i] !== r) {
            const st = D.statuses[rep.status];
            edge.data({
              label: rep.label, width: rep.width, dash: st.dash,
              colour: st.colour || D.deal_kinds[d.kind].colour,
            });
            state.shown[i] = r;
          }
          degree[d.from] += 1;
          degree[d.to] += 1;
          edgeCount += 1;
        }
        if (state.visible[i] !== vis) {
          edge.toggleClass('hidden', !vis);
          state.visible[i] = vis;
        }
      });
      let nodeCount = 0;
      D.entities.forEach((e, i) => {
        const on = degree[i] > 0;
        if (on) nodeCount += 1;
        cy.getElementById('n' + i).toggleClass('hidden', !on);
      });
      const counts = $('counts');
      counts.dataset.entities = String(nodeCount);
      counts.dataset.deals = String(edgeCount);
      counts.textContent = nodeCount + (nodeCount === 1 ? ' entity, ' : ' entities, ') +
        edgeCount + (edgeCount === 1 ? ' deal' : ' deals');
    });
    $('date-label').textContent = D.dates[state.pos];
    slider.setAttribute('aria-valuetext', 'as of ' + D.dates[state.pos]);
    listLoops();
  }

  // ---- loops ----
  // The visible deals of each hop, or null when a hop has none (the loop is broken).
  function loopDeals(l) {
    const out = [];
    let financing = false;
    for (let k = 0; k < l.entities.length; k++) {
      const a = l.entities[k];
      const b = l.entities[(k + 1) % l.entities.length];
      const hop = (pairDeals.get(a + ',' + b) || []).filter((i) => state.visible[i]);
      if (hop.length === 0) return null;
      if (hop.some((i) => D.deal_kinds[D.deals[i].kind].financing)) financing = true;
      out.push(...hop);
    }
    return financing ? out : null;
  }
  function loopExists(l) {
    return l.spans.some(([a, b]) => a <= state.pos && state.pos < b) && loopDeals(l) !== null;
  }
  // A loop is as sure as its weakest hop, a hop as its surest deal shown (grades are listed
  // surest first, so the weakest is the largest index).
  function loopGrade(l) {
    let weakest = 0;
    for (let k = 0; k < l.entities.length; k++) {
      const key = l.entities[k] + ',' + l.entities[(k + 1) % l.entities.length];
      const hop = (pairDeals.get(key) || []).filter((i) => state.visible[i]);
      const surest = Math.min(...hop.map((i) => D.deals[i].reports[state.shown[i]].grade));
      weakest = Math.max(weakest, surest);
    }
    return D.grades[weakest];
  }
  function loopWords(l) {
    const names = l.entities.concat([l.entities[0]]).map((i) => D.entities[i].name);
    return names.join(' → ');
  }
  function rankingAt(pos) {
    return D.rankings.find((r) => r.from <= pos && pos < r.to) || { loops: [], found: 0 };
  }
  const SHOWN_LOOPS = 300;
  function listLoops() {
    const list = $('loops');
    list.replaceChildren();
    const ranking = rankingAt(state.pos);
    const now = ranking.loops.filter(([i]) => loopExists(D.loops[i]));
    state.loopsNow = now.map(([i]) => i);
    now.slice(0, SHOWN_LOOPS).forEach(([i, amount], rank) => {
      const l = D.loops[i];
      const grade = loopGrade(l);
      const li = el('li');
      const b = el('button');
      b.type = 'button';
      b.dataset.loop = String(i);
      b.dataset.grade = grade.name;
      b.setAttribute('aria-pressed', String(state.loop === i));
      const head = el('strong', (rank + 1) + '. ' + amount + ' round trip, ' + l.entities.length + ' hops');
      b.append(el('span', grade.words, 'grade grade-' + grade.name), head, el('br'), nameSpan(loopWords(l)));
      b.addEventListener('click', () => {
        chooseLoop(state.loop === i ? null : i);
        if (state.loop !== null) zoomToLoop();
      });
      li.append(b);
      list.append(li);
    });
    let note = now.length === 0 ? 'No circular-financing loops at this date under these filters'
      : now.length + (now.length === 1 ? ' loop' : ' loops') + ' at this date, ranked as `dealgraph cycles` ranks them; each rests on its weakest hop';
    if (ranking.found > ranking.loops.length) {
      note += '; `dealgraph cycles` finds ' + ranking.found + ' and the best ' + ranking.loops.length + ' are searched for the page';
    }
    if (now.length > SHOWN_LOOPS) note += '; the first ' + SHOWN_LOOPS + ' are listed';
    if (D.loops_incomplete) note += '. The search stopped at its limits: narrow the data (--min-amount, --kinds, --max-len, --focus) to see every loop';
    $('loops-note').textContent = note + '.';
    if (state.loop !== null && !state.loopsNow.includes(state.loop)) chooseLoop(null);
    else if (state.loop !== null) chooseLoop(state.loop);
  }
  function zoomToLoop() {
    const hl = cy.$('.hl');
    cy.fit(hl, 80);
    if (cy.zoom() > 1.5) cy.zoom({ level: 1.5, position: centreOf(hl) });
    // On a big map the loop's ends are far apart: keep its labels readable on screen.
    const scale = Math.max(1, 0.9 / cy.zoom());
    if (scale > 1) {
      hl.nodes().forEach((n) => n.style({
        'font-size': 12 * scale, width: n.data('w') * scale, height: n.data('h') * scale,
      }));
      hl.edges().forEach((e) => e.style({
        'font-size': 9.5 * scale, 'min-zoomed-font-size': 0, width: e.data('width') * scale,
      }));
    }
  }
  function centreOf(eles) {
    const bb = eles.boundingBox();
    return { x: (bb.x1 + bb.x2) / 2, y: (bb.y1 + bb.y2) / 2 };
  }
  function chooseLoop(i) {
    state.loop = i;
    cy.batch(() => {
      cy.elements().removeClass('faded hl');
      cy.elements().removeStyle();
      if (i === null) return;
      const deals = loopDeals(D.loops[i]) || [];
      cy.elements().addClass('faded');
      deals.forEach((d) => cy.getElementById('d' + d).removeClass('faded').addClass('hl'));
      D.loops[i].entities.forEach((n) => cy.getElementById('n' + n).removeClass('faded').addClass('hl'));
    });
    document.body.dataset.loop = i === null ? '' : String(i);
    document.querySelectorAll('#loops button').forEach((b) => {
      b.setAttribute('aria-pressed', String(b.dataset.loop === String(i)));
    });
  }

  // ---- details ----
  function details(title, ...children) {
    $('details-title').replaceChildren(nameSpan(title));
    $('details-body').replaceChildren(...children);
  }
  function entityButton(i) {
    const b = el('button', null, 'link');
    b.type = 'button';
    b.append(nameSpan(D.entities[i].name));
    b.addEventListener('click', () => showEntity(i, true));
    return b;
  }
  function dealButton(i) {
    const d = D.deals[i];
    const r = d.reports[standingAt(d, state.pos)];
    const b = el('button', null, 'link');
    b.type = 'button';
    b.append(nameSpan(D.entities[d.from].name + ' → ' + D.entities[d.to].name), el('br'), nameSpan(r.label));
    b.addEventListener('click', () => showDeal(i));
    return b;
  }
  function showEntity(i, centre) {
    const e = D.entities[i];
    const node = cy.getElementById('n' + i);
    cy.elements().unselect();
    node.select();
    if (centre && !node.hasClass('hidden')) cy.animate({ center: { eles: node }, zoom: Math.max(cy.zoom(), 0.9) }, { duration: 200 });
    const parts = [];
    const facts = el('dl');
    facts.append(el('dt', 'Kind'), el('dd', D.entity_kinds[e.kind].legend), el('dt', 'Id'), el('dd', e.id));
    if (e.aliases.length) facts.append(el('dt', 'Also known as'), el('dd', e.aliases.join(', ')));
    parts.push(facts);
    parts.push(el('h3', 'Stakeholders as of ' + D.as_of));
    if (e.stakes) {
      const s = e.stakes;
      const dl = el('dl');
      dl.append(el('dt', 'Paid to it'), el('dd', s.inflows));
      graded(dl, s.inflows_by_grade);
      dl.append(el('dt', 'Paid by it'), el('dd', s.outflows));
      graded(dl, s.outflows_by_grade);
      s.groups.forEach(([title, members]) => {
        dl.append(el('dt', title));
        members.forEach(([m, total, split]) => {
          const dd = el('dd');
          dd.append(entityButton(m), el('span', ' ' + total, 'muted'));
          if (split.length > 1) {
            dd.append(el('span', ' (' + split.map(([g, t]) => g + ' ' + t).join('; ') + ')', 'muted split'));
          } else if (split.length === 1 && split[0][0] !== 'confirmed') {
            dd.append(el('span', ' (all ' + split[0][0] + ')', 'muted split'));
          }
          dl.append(dd);
        });
      });
      parts.push(dl);
    } else {
      parts.push(el('p', 'No deals at ' + D.as_of + ' under these filters.', 'muted'));
    }
    parts.push(el('h3', 'Deals as of ' + D.dates[state.pos] + ' on the map'));
    const list = el('ul', null, 'buttons');
    D.deals.forEach((d, k) => {
      if (state.visible[k] && (d.from === i || d.to === i)) {
        const li = el('li');
        li.append(dealButton(k));
        list.append(li);
      }
    });
    parts.push(list.children.length ? list : el('p', 'None at this date.', 'muted'));
    details(e.name, ...parts);
  }
  // What a total rests on: one line per grade, surest first, or "all confirmed".
  function graded(dl, parts) {
    if (parts.length === 0) return;
    if (parts.length === 1) { dl.append(el('dd', 'all ' + parts[0][0], 'muted split')); return; }
    parts.forEach(([g, t]) => dl.append(el('dd', g + ' ' + t, 'muted split')));
  }
  function sourceCell(source) {
    const td = el('td');
    if (/^https?:\/\//i.test(source)) {
      const a = el('a', source);
      a.href = source;
      a.rel = 'noopener noreferrer';
      a.target = '_blank';
      td.append(a);
    } else {
      td.append(nameSpan(source));
    }
    return td;
  }
  function showDeal(i) {
    const d = D.deals[i];
    cy.elements().unselect();
    cy.getElementById('d' + i).select();
    const standing = standingAt(d, state.pos);
    const parts = [];
    const facts = el('dl');
    facts.append(el('dt', 'Kind'), el('dd', D.deal_kinds[d.kind].legend));
    facts.append(el('dt', 'Id'), el('dd', d.id));
    if (d.inferred) facts.append(el('dt', 'Inferred'), el('dd', 'no source states this flow; other figures imply it'));
    if (d.notes) facts.append(el('dt', 'Notes'), el('dd', d.notes, 'name'));
    const ends = el('dd');
    ends.append(entityButton(d.from), entityButton(d.to));
    facts.append(el('dt', 'Payer, payee'), ends);
    parts.push(facts);
    parts.push(el('h3', 'Reports (★ stands as of ' + D.dates[state.pos] + ')'));
    const table = el('table');
    const head = el('tr');
    ['', 'Outlet', 'Date', 'Status', 'Amount', 'Source'].forEach((h) => head.append(el('th', h)));
    table.append(head);
    d.reports.forEach((r, k) => {
      const tr = el('tr');
      tr.append(el('td', k === standing ? '★' : '', 'star'), el('td', r.publisher || '–', 'name'),
        el('td', r.date || 'undated'), el('td', D.statuses[r.status].name + (d.inferred ? ' (inferred)' : '')), el('td', r.amount), sourceCell(r.source));
      table.append(tr);
      if (r.notes) {
        const note = el('tr');
        const td = el('td', r.notes, 'muted name');
        td.colSpan = 6;
        note.append(td);
        table.append(note);
      }
    });
    parts.push(table);
    details(D.entities[d.from].name + ' → ' + D.entities[d.to].name, ...parts);
  }
  cy.on('tap', 'node', (ev) => showEntity(Number(ev.target.id().slice(1)), false));
  cy.on('tap', 'edge', (ev) => showDeal(Number(ev.target.id().slice(1))));

  // ---- search ----
  const search = $('search');
  const haystack = D.entities.map((e) => [e.name, e.id].concat(e.aliases).join('\n').toLowerCase());
  function find() {
    const q = search.value.trim().toLowerCase();
    const list = $('matches');
    list.replaceChildren();
    const hits = q ? D.entities.map((e, i) => i).filter((i) => haystack[i].includes(q)) : [];
    cy.batch(() => {
      cy.nodes().removeClass('match');
      hits.forEach((i) => cy.getElementById('n' + i).addClass('match'));
    });
    hits.slice(0, 20).forEach((i) => {
      const li = el('li');
      li.append(entityButton(i));
      list.append(li);
    });
    if (hits.length > 20) list.append(el('li', (hits.length - 20) + ' more: type more of the name', 'muted'));
    if (q && hits.length === 0) list.append(el('li', 'No entity matches.', 'muted'));
    return hits;
  }
  search.addEventListener('input', find);
  search.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') {
      const hits = find();
      if (hits.length) showEntity(hits[0], true);
    }
  });

  // ---- view ----
  function fit() { cy.fit(cy.elements(':visible'), 30); }
  function zoom(f) {
    cy.zoom({ level: cy.zoom() * f, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
  }
  $('fit').addEventListener('click', fit);
  $('zoom-in').addEventListener('click', () => zoom(1.25));
  $('zoom-out').addEventListener('click', () => zoom(0.8));
  function clear() {
    chooseLoop(null);
    cy.elements().unselect();
    search.value = '';
    find();
  }
  $('clear').addEventListener('click', clear);
  slider.addEventListener('input', () => { state.pos = Number(slider.value); update(); });
  document.addEventListener('keydown', (ev) => {
    const typing = ev.target instanceof HTMLInputElement && ev.target.type !== 'checkbox' && ev.target.type !== 'range';
    if (ev.key === 'Escape') { clear(); return; }
    if (typing || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (ev.key === '/') { ev.preventDefault(); search.focus(); }
    else if (ev.key === 'f') fit();
    else if (ev.key === '+' || ev.key === '=') zoom(1.25);
    else if (ev.key === '-') zoom(0.8);
  });

  update();
  fit();
  window.dealgraphExplore = { cy: cy, data: D, state: state, update: update, chooseLoop: chooseLoop };
  document.documentElement.dataset.readyMs = String(Math.round(performance.now()));
  document.documentElement.dataset.ready = 'true';
})();
