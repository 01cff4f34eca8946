/**
 * The HTML report: one self-contained file (inline CSS and script, the report embedded as JSON,
 * a Content-Security-Policy that forbids every external load). A matrix of case group x adapter,
 * colored by status and, for passes, by how close the worst element came to the tolerance
 * (errorRatio: 0 exact, 1 at the limit; at most 0.01, about the rounding of one float32 op, is
 * full green). Click a group to open its cases; click a cell to see the
 * case id, status, errors, worst index, got/want and the message.
 */
import type { ConformanceReport } from '../types';

export interface HtmlOptions {
  readonly title?: string;
  /** Shown in the header; default: now. */
  readonly generatedAt?: string;
}

const STYLE = `
*{box-sizing:border-box}
body{font:13px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1f2328;background:#fff}
header{padding:12px 16px;border-bottom:1px solid #d0d7de;background:#f6f8fa}
h1{font-size:18px;margin:0 0 4px}
.summary span{margin-right:14px}
.ok{color:#1a7f37;font-weight:600}.bad{color:#cf222e;font-weight:600}
main{display:flex;gap:16px;padding:12px 16px;align-items:flex-start}
#matrix-wrap{flex:1 1 auto;overflow:auto;max-height:calc(100vh - 120px)}
table{border-collapse:collapse}
th,td{border:1px solid #d0d7de;padding:3px 8px;white-space:nowrap}
th{background:#f6f8fa;position:sticky;top:0;z-index:1}
td.name{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px}
tr.group td.name{cursor:pointer;font-weight:600}
tr.group td.name::before{content:"\\25B8 ";color:#57606a}
tr.group.open td.name::before{content:"\\25BE "}
tr.case td.name{padding-left:24px;font-weight:400}
td.cell{cursor:pointer;text-align:center;min-width:90px;color:#fff;font-weight:600}
td.cell.sel{outline:3px solid #0969da;outline-offset:-3px}
td.fail{background:#cf222e}td.xfail{background:#bf8700}td.skip{background:#8c959f}
td.na{background:#eaeef2;color:#57606a;font-weight:400;cursor:default}
td.none{background:#fff;color:#8c959f;font-weight:400}
#details{flex:0 0 420px;border:1px solid #d0d7de;border-radius:6px;padding:10px 12px;position:sticky;top:12px;max-height:calc(100vh - 140px);overflow:auto}
#details h2{font-size:14px;margin:0 0 8px;word-break:break-all}
#details dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 10px;margin:0}
#details dt{color:#57606a}#details dd{margin:0;word-break:break-all;font-family:ui-monospace,Menlo,monospace;font-size:12px}
#details pre{white-space:pre-wrap;word-break:break-word;background:#f6f8fa;padding:6px;border-radius:4px;font-size:12px}
.legend span{display:inline-block;padding:1px 6px;margin-right:6px;color:#fff;border-radius:3px}
input#filter{margin-left:12px;padding:2px 6px;width:260px}
`;

/* The page script: plain ES2017, DOM built with textContent only (case data is never parsed as HTML). */
const SCRIPT = `
(function(){
var report=JSON.parse(document.getElementById('report-data').textContent);
var adapters=report.adapters;
function el(tag,attrs,text){var e=document.createElement(tag);if(attrs)for(var k in attrs)e.setAttribute(k,attrs[k]);if(text!==undefined)e.textContent=text;return e;}
function num(v){if(v===null||v===undefined)return NaN;if(typeof v==='number')return v;if(v==='NaN')return NaN;if(v==='Infinity')return Infinity;if(v==='-Infinity')return -Infinity;if(v==='-0')return -0;return Number(v);}
function fmt(v){if(v===null||v===undefined)return '-';var x=num(v);if(isNaN(x))return 'NaN';if(!isFinite(x))return x>0?'Infinity':'-Infinity';if(x===0)return '0';var a=Math.abs(x);return (a>=1e-3&&a<1e5)?String(Number(x.toPrecision(4))):x.toExponential(2);}
function passColor(ratio){var r=num(ratio);if(!(r>0))return 'hsl(135,55%,32%)';var t=Math.min(1,Math.max(0,(Math.log10(r)+2)/2));return 'hsl('+(135-85*t)+',60%,'+(32+6*t)+'%)';}
function group(id){return id.split('/').slice(0,2).join('/');}
var groups=[],byGroup={},byKey={};
report.results.forEach(function(r){var g=group(r.case);if(!byGroup[g]){byGroup[g]={cases:[],seen:{}};groups.push(g);}var G=byGroup[g];if(!G.seen[r.case]){G.seen[r.case]=1;G.cases.push(r.case);}byKey[r.case+'\\u0000'+r.adapter]=r;});
function agg(list){var c={pass:0,fail:0,skip:0,'expected-fail':0,ratio:0};list.forEach(function(r){c[r.status]++;if(r.status==='pass'){var x=num(r.errorRatio);if(x>c.ratio)c.ratio=x;}});return c;}
function styleCell(td,c,n){td.className='cell';if(n===0){td.className+=' none';td.textContent='-';return;}
 if(c.fail){td.className+=' fail';}else if(c['expected-fail']){td.className+=' xfail';}else if(c.pass===0){td.className+=' skip';}else{td.style.background=passColor(c.ratio);}
 var t=c.pass+'/'+n;if(c.fail)t+=' '+c.fail+'\\u2717';if(c['expected-fail'])t+=' '+c['expected-fail']+'x';if(c.skip)t+=' '+c.skip+'s';td.textContent=t;}
var sel=null;
function show(td,title,fields,message){if(sel)sel.classList.remove('sel');sel=td;td.classList.add('sel');var d=document.getElementById('details');d.textContent='';d.appendChild(el('h2',null,title));var dl=el('dl');fields.forEach(function(f){dl.appendChild(el('dt',null,f[0]));dl.appendChild(el('dd',null,f[1]));});d.appendChild(dl);if(message){d.appendChild(el('pre',null,message));}}
function machineOf(name){var a=adapters.filter(function(x){return x.name===name;})[0];return a&&a.machine?a.machine.host+' ('+a.machine.cpus+')':'-';}
function caseDetails(td,r){show(td,r.case,[['adapter',r.adapter],['machine',machineOf(r.adapter)],['status',r.status],['max abs error',fmt(r.maxAbsError)],['max rel error',fmt(r.maxRelError)],['error / tolerance',fmt(r.errorRatio)],['worst output',r.worst?r.worst.output:'-'],['worst index',r.worst?'['+r.worst.index.join(',')+']':'-'],['got',r.worst?fmt(r.worst.got):'-'],['want',r.worst?fmt(r.worst.want):'-'],['time',r.ms+' ms']],r.message||'');}
function groupDetails(td,g,a,list){var c=agg(list);var bad=list.filter(function(r){return r.status!=='pass';});show(td,g+' on '+a.name,[['cases',String(list.length)],['pass',String(c.pass)],['fail',String(c.fail)],['expected-fail',String(c['expected-fail'])],['skip',String(c.skip)],['worst error / tolerance',fmt(c.ratio)]],bad.map(function(r){return r.status.toUpperCase()+' '+r.case+(r.message?': '+r.message.split('\\n')[0]:'');}).join('\\n'));}
var tbody=document.getElementById('rows');
var head=document.getElementById('head');head.appendChild(el('th',null,'case group / case'));
adapters.forEach(function(a){var on=a.machine?'\\non '+a.machine.host+' ('+a.machine.platform+' '+a.machine.arch+', '+a.machine.cpus+', Node '+a.machine.node+')':'';head.appendChild(el('th',{title:(a.available?(a.backend||''):(a.reason||''))+on},a.name+(a.available?'':' (n/a)')));});
groups.forEach(function(g){var G=byGroup[g];var tr=el('tr',{'class':'group','data-group':g});var name=el('td',{'class':'name'},g+' ('+G.cases.length+')');tr.appendChild(name);
 adapters.forEach(function(a){var td=el('td');if(!a.available){td.className='cell na';td.textContent='n/a';td.title=a.reason||'';tr.appendChild(td);return;}
  var list=G.cases.map(function(id){return byKey[id+'\\u0000'+a.name];}).filter(Boolean);styleCell(td,agg(list),list.length);td.addEventListener('click',function(){groupDetails(td,g,a,list);});tr.appendChild(td);});
 tbody.appendChild(tr);var rows=[];
 G.cases.forEach(function(id){var cr=el('tr',{'class':'case','data-case':id});cr.hidden=true;cr.appendChild(el('td',{'class':'name'},id));
  adapters.forEach(function(a){var td=el('td');var r=byKey[id+'\\u0000'+a.name];if(!a.available){td.className='cell na';td.textContent='n/a';}else if(!r){td.className='cell none';td.textContent='-';}else{td.className='cell';
   if(r.status==='pass'){td.style.background=passColor(r.errorRatio);td.textContent=fmt(r.errorRatio);}else if(r.status==='fail'){td.className+=' fail';td.textContent='FAIL';}else if(r.status==='expected-fail'){td.className+=' xfail';td.textContent='xfail';}else{td.className+=' skip';td.textContent='skip';}
   td.title=r.status;td.addEventListener('click',function(){caseDetails(td,r);});}cr.appendChild(td);});
  tbody.appendChild(cr);rows.push(cr);});
 name.addEventListener('click',function(){var open=!tr.classList.contains('open');tr.classList.toggle('open',open);rows.forEach(function(r){r.hidden=!open||!matches(r.getAttribute('data-case'));});});});
var filterBox=document.getElementById('filter');var filterText='';
function matches(id){return filterText===''||id.indexOf(filterText)>=0;}
filterBox.addEventListener('input',function(){filterText=filterBox.value.trim();Array.prototype.forEach.call(tbody.querySelectorAll('tr.group'),function(tr){var g=tr.getAttribute('data-group');var any=byGroup[g].cases.some(matches);tr.hidden=!any;var open=filterText!==''&&any;tr.classList.toggle('open',open);});
 Array.prototype.forEach.call(tbody.querySelectorAll('tr.case'),function(cr){cr.hidden=!(filterText!==''&&matches(cr.getAttribute('data-case')));});});
document.body.setAttribute('data-ready','1');
})();
`;

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

export function renderHtmlReport(report: ConformanceReport, options: HtmlOptions = {}): string {
  const s = report.summary;
  const title = options.title ?? 'skipconn conformance';
  const when = options.generatedAt ?? new Date().toISOString();
  // '<' escaped so that no string in the data can close the script element.
  const data = JSON.stringify(report).replace(/</g, '\\u003c');
  const ran = report.adapters.filter((a) => a.available).map((a) => a.name);
  const status = s.ok ? '<span class="ok">OK</span>' : '<span class="bad">FAILED</span>';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)} ${status}</h1>
<div class="summary"><span>${s.cases} cases</span><span>adapters run: ${escapeHtml(ran.join(', ') || 'none')}</span><span>${s.pass} pass</span><span>${s.fail} fail</span><span>${s.expectedFail} expected-fail</span><span>${s.skip} skip</span>${s.unavailable.length ? `<span>unavailable: ${escapeHtml(s.unavailable.join(', '))}</span>` : ''}<span>${escapeHtml(when)}</span></div>
<div class="legend">pass, colored by worst error / tolerance: <span style="background:hsl(135,55%,32%)">&le; 0.01</span><span style="background:hsl(92,60%,35%)">0.1</span><span style="background:hsl(50,60%,38%)">1 (at the limit)</span><span style="background:#cf222e">fail</span><span style="background:#bf8700">expected-fail</span><span style="background:#8c959f">skip</span>
<input id="filter" type="search" placeholder="filter case ids" aria-label="filter case ids"></div>
</header>
<main>
<div id="matrix-wrap"><table id="matrix"><thead><tr id="head"></tr></thead><tbody id="rows"></tbody></table></div>
<aside id="details"><h2>Details</h2><p>Click a group name to open its cases; click a cell for details.</p></aside>
</main>
<script type="application/json" id="report-data">${data}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
