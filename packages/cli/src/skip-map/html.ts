/**
 * The skip map page: one self-contained HTML file in the look of the conformance report (inline
 * CSS and script, the skips embedded as JSON, a Content-Security-Policy that forbids every
 * external load). The SVG from ./svg sits in a zoomable pane; a legend explains each kind of skip
 * in a line or two; clicking an arc, or a row of the table under the map, shows that skip's
 * numbers and marks the nodes it bypasses.
 */
import type { SkipCategory } from '@skipconn/core';
import { renderDepthCharts } from './depth-chart';
import { CATEGORY_COLORS, CATEGORY_LEGEND, SKIP_CONCEPT, escapeXml, renderSkipMapSvg, type SkipMapInput } from './svg';

const STYLE = `
*{box-sizing:border-box}
body{font:13px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1f2328;background:#fff}
header{padding:12px 16px;border-bottom:1px solid #d0d7de;background:#f6f8fa}
h1{font-size:18px;margin:0 0 4px}
.summary span{margin-right:14px}
.legend{display:grid;grid-template-columns:max-content 1fr;gap:2px 10px;margin-top:8px;max-width:1100px}
.chip{display:inline-block;padding:1px 6px;color:#fff;border-radius:3px;font-weight:600}
.concept{margin:6px 0 0;max-width:1100px;color:#57606a}
.note{margin:4px 0 0;font-weight:600}
#charts svg{display:block;margin-top:10px;max-width:100%;height:auto}
main{display:flex;gap:16px;padding:12px 16px;align-items:flex-start}
#left{flex:1 1 auto;min-width:0}
#table-wrap{overflow:auto;max-height:40vh}
#map-wrap{overflow:auto;border:1px solid #d0d7de;border-radius:6px;max-height:60vh;background:#fff}
#zoom{margin:0 0 6px}#zoom button{margin-right:4px}
svg.skip-map path.arc{cursor:pointer}
svg.skip-map path.arc:hover{stroke-width:4}
svg.skip-map.has-sel path.arc{stroke-opacity:0.2}
svg.skip-map.has-sel path.arc.sel{stroke-opacity:1;stroke-width:4}
svg.skip-map g.group{display:none}
svg.skip-map.collapsed g.group{display:inline;cursor:pointer}
svg.skip-map.collapsed path.arc.grouped{display:none}
svg.skip-map circle.in-body{r:4.5;fill:#57606a}
svg.skip-map circle.in-shortcut{r:4.5;fill:#bf8700}
table{border-collapse:collapse;margin-top:12px}
th,td{border:1px solid #d0d7de;padding:3px 8px;white-space:nowrap;text-align:left}
th{background:#f6f8fa;position:sticky;top:0}
td.num{text-align:right;font-variant-numeric:tabular-nums}
td.name{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px}
tr.skip{cursor:pointer}tr.skip.sel td{background:#ddf4ff}
#details{flex:0 0 420px;border:1px solid #d0d7de;border-radius:6px;padding:10px 12px;position:sticky;top:12px;max-height:calc(100vh - 40px);overflow:auto}
#details h2{font-size:14px;margin:0 0 8px;word-break:break-all}
#details dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 10px;margin:0}
#details dt{color:#57606a}#details dd{margin:0;word-break:break-all;font-family:ui-monospace,Menlo,monospace;font-size:12px}
`;

/* Plain ES2017; the DOM is built with textContent only (names from a model are never parsed as HTML). */
const SCRIPT = `
(function(){
var skips=JSON.parse(document.getElementById('skip-data').textContent);
var svg=document.querySelector('svg.skip-map');var wrap=document.getElementById('map-wrap');
var baseW=Number(svg.getAttribute('width')),baseH=Number(svg.getAttribute('height'));var zoom=1;
function setZoom(z){zoom=Math.max(0.1,Math.min(20,z));svg.setAttribute('width',String(baseW*zoom));svg.setAttribute('height',String(baseH*zoom));}
function fit(){var w=wrap.clientWidth-4;setZoom(w>0&&w<baseW?w/baseW:1);}
document.getElementById('zoom-in').addEventListener('click',function(){setZoom(zoom*1.5);});
document.getElementById('zoom-out').addEventListener('click',function(){setZoom(zoom/1.5);});
document.getElementById('zoom-fit').addEventListener('click',fit);
wrap.addEventListener('wheel',function(e){if(!e.ctrlKey&&!e.metaKey)return;e.preventDefault();setZoom(zoom*(e.deltaY<0?1.2:1/1.2));},{passive:false});
function el(tag,attrs,text){var e=document.createElement(tag);if(attrs)for(var k in attrs)e.setAttribute(k,attrs[k]);if(text!==undefined)e.textContent=text;return e;}
function fmt(v){if(v===null||v===undefined)return '-';if(typeof v==='number'){if(v===0||Number.isInteger(v))return String(v);var a=Math.abs(v);return (a>=1e-3&&a<1e5)?String(Number(v.toPrecision(4))):v.toExponential(3);}if(Array.isArray(v))return '['+v.map(fmt).join(', ')+']';if(typeof v==='object')return Object.keys(v).map(function(k){return k+' '+fmt(v[k]);}).join('; ');return String(v);}
function fields(s){var f=[['category',s.category],['merge op',s.kind],['scheme',s.scheme],['from (fork)',s.from],['to',s.to],['merge node',s.merge],['span',s.span],['detail',s.detail],['body params',s.bodyParams],['shortcut params',s.shortcutParams],['shortcut nodes',s.shortcut.length?s.shortcut.join(', '):'none (identity)'],['merge output bytes',s.mergeOutputBytes]];
 if(s.concat){f.push(['input channels',s.concat.inputChannels.join(' + ')]);f.push(['output channels',s.concat.outputChannels]);f.push(['channel growth','+'+s.concat.channelGrowth]);f.push(['bytes naive',s.concat.naiveBytes]);f.push(['bytes zero-copy',s.concat.zeroCopyBytes]);}
 s.scales.forEach(function(sc){f.push([sc.name+' ('+sc.kind+')',(sc.weight?sc.weight+': ':'')+(sc.values?fmt(sc.values):sc.count+' values, min '+fmt(sc.min)+', max '+fmt(sc.max)+', mean '+fmt(sc.mean))]);});
 ['signal','gradient'].forEach(function(k){var v=s[k];if(v===undefined||v===null)return;Object.keys(v).forEach(function(q){if(v[q]!==null)f.push([k+' '+q,fmt(v[q])]);});});
 f.push(['bypassed nodes',String(s.bypassed.length)]);return f;}
var rows=[];var marked=[];
function select(i){var s=skips[i];svg.classList.add('has-sel');Array.prototype.forEach.call(svg.querySelectorAll('path.arc'),function(p){p.classList.toggle('sel',p.getAttribute('data-skip')===String(i));});
 marked.forEach(function(c){c.classList.remove('in-body','in-shortcut');});marked=[];
 var shortcut={};s.shortcut.forEach(function(n){shortcut[n]=1;});
 Array.prototype.forEach.call(svg.querySelectorAll('circle.node[data-node]'),function(c){var n=c.getAttribute('data-node');if(s.bypassed.indexOf(n)>=0){c.classList.add(shortcut[n]?'in-shortcut':'in-body');marked.push(c);}});
 rows.forEach(function(r,j){r.classList.toggle('sel',j===i);});
 var d=document.getElementById('details');d.textContent='';d.appendChild(el('h2',null,'#'+(i+1)+' '+s.merge));var dl=el('dl');fields(s).forEach(function(f){dl.appendChild(el('dt',null,f[0]));dl.appendChild(el('dd',null,fmt(f[1])));});d.appendChild(dl);}
Array.prototype.forEach.call(svg.querySelectorAll('path.arc'),function(p){p.addEventListener('click',function(){select(Number(p.getAttribute('data-skip')));});});
var tbody=document.getElementById('skip-rows');
skips.forEach(function(s,i){var tr=el('tr',{'class':'skip','data-skip':String(i)});var chip=el('span',{'class':'chip'},s.category);chip.style.background=document.querySelector('.legend .chip.'+s.category).style.background;var c=el('td');c.appendChild(chip);
 tr.appendChild(el('td',{'class':'num'},String(i+1)));tr.appendChild(c);tr.appendChild(el('td',{'class':'name'},s.merge));tr.appendChild(el('td',{'class':'name'},s.from));
 tr.appendChild(el('td',{'class':'num'},String(s.span)));tr.appendChild(el('td',{'class':'num'},String(s.bodyParams)));tr.appendChild(el('td',{'class':'num'},String(s.shortcutParams)));tr.appendChild(el('td',{'class':'num'},String(s.mergeOutputBytes)));
 tr.appendChild(el('td',null,s.concat?'+'+s.concat.channelGrowth+' ch, '+s.concat.naiveBytes+' / '+s.concat.zeroCopyBytes+' B':s.scheme||''));
 tr.addEventListener('click',function(){select(i);});tbody.appendChild(tr);rows.push(tr);});
var collapse=document.getElementById('collapse');collapse.addEventListener('change',function(){svg.classList.toggle('collapsed',collapse.checked);});
Array.prototype.forEach.call(svg.querySelectorAll('g.group'),function(g){g.addEventListener('click',function(){var k=g.getAttribute('data-group');var members=Array.prototype.map.call(svg.querySelectorAll('path.arc[data-group="'+k+'"]'),function(p){return Number(p.getAttribute('data-skip'));}).sort(function(a,b){return a-b;});
 var fan=g.getAttribute('data-kind')==='fan';var params=members.map(function(i){return skips[i].bodyParams+skips[i].shortcutParams;});
 var d=document.getElementById('details');d.textContent='';d.appendChild(el('h2',null,g.querySelector('text').textContent));var dl=el('dl');
 [['skips',String(members.length)],['merges',members.map(function(i){return skips[i].merge;}).join(', ')],fan?['params bypassed by the widest',String(Math.max.apply(null,params))]:['params, all blocks',String(params.reduce(function(a,b){return a+b;},0))]].forEach(function(f){dl.appendChild(el('dt',null,f[0]));dl.appendChild(el('dd',null,f[1]));});d.appendChild(dl);});});
fit();
document.body.setAttribute('data-ready','1');
})();
`;

export function renderSkipMapHtml(input: SkipMapInput, options: { generatedAt?: string } = {}): string {
  const when = options.generatedAt ?? new Date().toISOString();
  // '<' escaped so that no name in the data can close the script element.
  const data = JSON.stringify(input.skips).replace(/</g, '\\u003c');
  const counts = new Map<SkipCategory, number>();
  for (const s of input.skips) counts.set(s.category, (counts.get(s.category) ?? 0) + 1);
  const legend = (Object.entries(CATEGORY_COLORS) as [SkipCategory, string][])
    .map(([c, color]) => `<span><span class="chip ${c}" style="background:${color}">${c}</span> ${counts.get(c) ?? 0}</span><span>${escapeXml(CATEGORY_LEGEND[c])}</span>`)
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(`skip map: ${input.title}`)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>skip map: ${escapeXml(input.title)}</h1>
<div class="summary"><span>${input.nodes.length} nodes</span><span>${input.skips.length} skip connections</span><span>${escapeXml(when)}</span></div>
${(input.notes ?? []).map((n) => `<p class="note">${escapeXml(n)}</p>`).join('\n')}
<p class="concept">${escapeXml(SKIP_CONCEPT.join(' '))} Arc height is nesting depth; node dots on the main path are in execution order.</p>
<div class="legend">
${legend}
</div>
</header>
<main>
<div id="left">
<div id="zoom"><button id="zoom-out" type="button">&minus;</button><button id="zoom-in" type="button">+</button><button id="zoom-fit" type="button">fit</button> <label><input id="collapse" type="checkbox"> collapse repeated blocks and fans</label> &middot; ctrl + wheel zooms; hover an arc or a dot for its summary, click an arc for details</div>
<div id="map-wrap">
${renderSkipMapSvg(input, { groups: true })}
</div>
<div id="charts">
${renderDepthCharts(input.skips)}
</div>
<div id="table-wrap"><table id="skips"><thead><tr><th>#</th><th>category</th><th>merge</th><th>from</th><th>span</th><th>body params</th><th>shortcut params</th><th>out bytes</th><th>concat / scales</th></tr></thead><tbody id="skip-rows"></tbody></table></div>
</div>
<aside id="details"><h2>Details</h2><p>Click an arc or a table row to see what that skip costs and which nodes it bypasses.</p></aside>
</main>
<script type="application/json" id="skip-data">${data}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
