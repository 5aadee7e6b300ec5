"""A lexical baseline for claim links, scored like the eval kit scores them.

Every sentence of a corpus is compared with every other by IDF-weighted
cosine over stemmed content words (negations kept as one term), at several
thresholds, with and without transitive closure, and the links are scored
against a gold file the way ../shared/eval/eval_lsp.py scores `definition`
answers (claim links). It answers one question: how far can word overlap
go on this gold? claimlens' own matcher is measured by the eval kit; this
script only shows the ceiling of the plain lexical method it improves on.

    python3 -m venv /tmp/v && /tmp/v/bin/pip install snowballstemmer
    /tmp/v/bin/python tools/claims_lexical_baseline.py \
        ../shared/corpus/seeds/ ../shared/eval/seeds.gold.json
"""
import json, re, math, itertools, collections, sys, os
import snowballstemmer
st = snowballstemmer.stemmer('english')
root=sys.argv[1] if len(sys.argv)>1 else '/work/shared/corpus/seeds/'
goldp=sys.argv[2] if len(sys.argv)>2 else '/work/shared/eval/seeds.gold.json'
gold=json.load(open(goldp))
docs={f:open(root+f).read() for f in sorted(os.listdir(root))}
def find_nth(t,n,k):
    s=-1
    for _ in range(k):
        s=t.find(n,s+1)
        if s<0: return None
    return s
STOP=set("""a an the and or but if then than that this these those there here it its he she they we you i me my our ours your his her their them us him to of in on at by for from with about as into over under again further once is are was were be been being have has had having do does did doing will would shall should can could may might must so too very just only also s t what which who whom whose when where why how all any both each few more most other some such own same yes okay said says say noted stressed added""".split())
NEG=set("not no never don't won't can't isn't aren't wasn't weren't didn't doesn't cannot nobody none nothing".split())
def terms(s):
    out=[]
    for w in re.findall(r"[A-Za-z][A-Za-z'’]*|\d[\d,.]*",s):
        lw=w.lower().replace('’',"'")
        if lw in NEG: out.append('NOT'); continue
        if lw in STOP: continue
        if lw.endswith("n't"): out.append('NOT'); continue
        out.append(st.stemWord(lw))
    return out
# nodes: eval chunks
nodes=[]
for f,t in docs.items():
    for m in re.finditer(r"[^.!?\n]+[.!?]*",t):
        if len(m.group().split())<2: continue
        nodes.append((f,m.start(),m.end(),m.group()))
df=collections.Counter()
for u in nodes: df.update(set(terms(u[3])))
N=len(nodes)
def idf(w): return math.log((N+1)/(df.get(w,0)+0.5))
T=[set(terms(u[3])) for u in nodes]
def score(i,j):
    a,b=T[i],T[j]
    if not a or not b: return 0
    inter=a&b
    num=sum(idf(w)**2 for w in inter)
    da=math.sqrt(sum(idf(w)**2 for w in a)); db=math.sqrt(sum(idf(w)**2 for w in b))
    return num/(da*db)
groups=[]
for c in gold['claims']:
    ms=[]
    for m in c['members']:
        s=find_nth(docs[m['file']],m['text'],m['nth']); ms.append((m['file'],s,s+len(m['text'])))
    groups.append((c['id'],bool(c.get('optional')),ms))
def word_inside(f,s,e):
    t=docs[f]; mid=(s+e)//2; best=None
    for m in re.finditer(r"\b[a-z][a-z']{2,}\b",t[s:e]):
        o=s+m.start()+1
        if best is None or abs(o-mid)<abs(best-mid): best=o
    return best if best is not None else mid
def node_at(f,o):
    for i,n in enumerate(nodes):
        if n[0]==f and n[1]<=o<n[2]: return i
    return None
def evaluate(links_of):
    tp=fn=0
    for gid,opt,ms in groups:
        if opt: continue
        for a in ms:
            o=word_inside(*a); i=node_at(a[0],o)
            got=[nodes[j] for j in links_of(i)] if i is not None else []
            for b in ms:
                if b is a: continue
                if any(g[0]==b[0] and g[1]<b[2] and b[1]<g[2] for g in got): tp+=1
                else: fn+=1
    ok=fp=0
    for i,n in enumerate(nodes):
        if len(n[3].split())<5: continue
        o=word_inside(n[0],n[1],n[2])
        src=[g for g in groups if any(m[0]==n[0] and m[1]<=o<m[2] for m in g[2])]
        for j in links_of(i):
            g=nodes[j]
            good=any(any(m[0]==g[0] and m[1]<g[2] and g[1]<m[2] for m in gg[2]) for gg in src)
            if good: ok+=1
            elif not any(gg[1] for gg in src): fp+=1
    r=tp/(tp+fn); p=ok/(ok+fp) if ok+fp else 0
    f1=2*p*r/(p+r) if p+r else 0
    return p,r,f1,ok,fp
pairs={}
for i in range(N):
    for j in range(i+1,N):
        s=score(i,j)
        if s>0.15: pairs[(i,j)]=s
def run(th, closure):
    adj=collections.defaultdict(set)
    for (i,j),s in pairs.items():
        if s>=th: adj[i].add(j); adj[j].add(i)
    if not closure:
        return lambda i: sorted(adj[i])
    comp={}
    for i in list(adj):
        if i in comp: continue
        stack=[i]; c=set()
        while stack:
            x=stack.pop()
            if x in c: continue
            c.add(x); stack.extend(adj[x]-c)
        for x in c: comp[x]=c
    return lambda i: sorted(comp.get(i,set())-{i})
for th in [0.3,0.35,0.4,0.45,0.5,0.55,0.6]:
    for cl in [False,True]:
        p,r,f1,ok,fp=evaluate(run(th,cl))
        print(f"th {th} closure {cl}: P {p:.3f} R {r:.3f} F1 {f1:.3f} ok {ok} fp {fp}")
