"""Which wasm functions a traced cold navigation compiled on first call
(V8's lazy compilation), grouped by crate or module, with their bytes and
compile time. Usage: python3 lazy_compile.py TRACE.json NAMED.wasm, where
TRACE.json comes from profile.mjs and NAMED.wasm is the same build's wasm
optimised with names kept (wasm-opt -g)."""
import json,sys,collections,re
def leb(d,i):
    r=0;s=0
    while True:
        b=d[i];i+=1;r|=(b&0x7f)<<s;s+=7
        if b<0x80:return r,i
d=open(sys.argv[2],'rb').read();i=8;names={};sizes={};nimp=0
while i<len(d):
    sid=d[i];i+=1;sz,i=leb(d,i);end=i+sz
    if sid==2:
        n,j=leb(d,i)
        for _ in range(n):
            l,j=leb(d,j);j+=l;l,j=leb(d,j);j+=l;k=d[j];j+=1
            if k==0: _,j=leb(d,j);nimp+=1
            elif k==1: j+=1;f,j=leb(d,j);_,j=leb(d,j); j=j if not f&1 else leb(d,j)[1]
            elif k==2: f,j=leb(d,j);_,j=leb(d,j); j=j if not f&1 else leb(d,j)[1]
            elif k==3: j+=2
    if sid==10:
        n,j=leb(d,i)
        for k in range(n):
            s,j=leb(d,j);sizes[nimp+k]=s;j+=s
    if sid==0:
        l,j=leb(d,i);nm=d[j:j+l].decode();j+=l
        if nm=='name':
            while j<end:
                sub=d[j];j+=1;ssz,j=leb(d,j);se=j+ssz
                if sub==1:
                    n,k=leb(d,j)
                    for _ in range(n):
                        idx,k=leb(d,k);l,k=leb(d,k);names[idx]=d[k:k+l].decode('utf8','replace');k+=l
                j=se
    i=end
D=json.load(open(sys.argv[1])); ev=D['traceEvents'] if isinstance(D,dict) else D
cl=[e for e in ev if e.get('name')=='wasm.CompileLazy']
tot=sum(e['dur'] for e in cl)/1000
print('lazy compiled',len(cl),'fns',round(tot,1),'ms; bytes',sum(sizes.get(e['args']['func_index'],0) for e in cl))
def cat(n):
    n=re.sub(r'\[[0-9a-f]+\]','',n)
    for key in ['users_list::filters','users_list::export','row_menu','role_chips','dialogs','users_list::rows','users_list','frame','session','app::','leave_guard','focus','api::http','api::early','serde_json','serde','reactive_graph','tachys','leptos_router','leptos','js_sys','web_sys','wasm_bindgen','dlmalloc','alloc','core','users_api','users_client','gloo','hashbrown','futures','std']:
        if key in n: return key
    return 'other'
agg=collections.defaultdict(lambda:[0,0,0.0])
for e in cl:
    f=e['args']['func_index'];n=names.get(f,'?');c=cat(n);a=agg[c];a[0]+=1;a[1]+=sizes.get(f,0);a[2]+=e['dur']/1000
for k,v in sorted(agg.items(),key=lambda x:-x[1][2]): print(f'{k:24} {v[0]:5d} fns {v[1]:7d} B {v[2]:7.1f} ms')
