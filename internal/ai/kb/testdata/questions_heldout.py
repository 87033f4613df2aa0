#!/usr/bin/env python3
"""Writes questions_heldout.json: the held-out questions of the knowledge-base
evaluation and the ids that answer them, computed from the bundles of
../shared/data (the same as kb.EvalBundles). Graph answers are the live
objects (neither revoked nor x_mitre_deprecated) reached through live
relationships; text and alias answers are looked up by name or ATT&CK id.

    python3 internal/ai/kb/testdata/questions_heldout.py [DATA_DIR]
"""
import json
import os
import sys

DATA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "../../../../../shared/data")

objs={}
rels=[]
for f in [os.path.join(DATA, x) for x in ['attack-v14/ics-attack.json','attack-v14/mobile-attack.json','cti-documentation/apt1.json','cti-documentation/poisonivy.json','cti-documentation/defining-campaigns-threat-actors-intrusion-sets.json','cti-documentation/sighting-of-observed-data.json','cti-documentation/using-granular-markings.json','cti-documentation/using-marking-definitions.json']]:
    b=json.load(open(f))
    for o in (b['objects'] if isinstance(b,dict) else b):
        if o['id'] in objs:  # keep the newest version
            if o.get('modified','')<=objs[o['id']].get('modified',''): continue
        objs[o['id']]=o
rels=[o for o in objs.values() if o['type']=='relationship']
def live(o): return not o.get('revoked') and not o.get('x_mitre_deprecated')
def byname(n,t=None):
    return [o for o in objs.values() if o.get('name')==n and (t is None or o['type']==t) and live(o)]
def out(src,rt,ttype=None):
    return sorted(set(r['target_ref'] for r in rels if live(r) and r['source_ref']==src and r['relationship_type']==rt and r['target_ref'] in objs and live(objs[r['target_ref']]) and (ttype is None or objs[r['target_ref']]['type']==ttype)))
def inn(tgt,rt,stype=None):
    return sorted(set(r['source_ref'] for r in rels if live(r) and r['target_ref']==tgt and r['relationship_type']==rt and r['source_ref'] in objs and live(objs[r['source_ref']]) and (stype is None or objs[r['source_ref']]['type']==stype)))


def one(n, t=None):
    l = byname(n, t)
    assert len(l) == 1, (n, [(o['type'], o['id']) for o in l])
    return l[0]['id']
def ext(eid):
    l = [o for o in objs.values() if live(o) and any(e.get('external_id') == eid and e.get('source_name','').startswith('mitre') for e in o.get('external_references', []))]
    assert len(l) == 1, (eid, len(l))
    return l[0]['id']
def uses(n, t='attack-pattern'): return out(one(n), 'uses', t)
def hop2(seed_ids, rel, other_type, direction):
    res = set()
    for s in seed_ids:
        if direction == 'in':
            res |= set(inn(s, rel, other_type))
        else:
            res |= set(out(s, rel, other_type))
    return sorted(res)

Q = []
def q(kind, text, answers):
    Q.append({"id": "h%02d" % (len(Q) + 1), "kind": kind, "question": text, "answers": sorted(set(answers))})

# Aliases: each question names its entity only by an alias.
q("alias", "What is SNAKEHOSE?", [one("EKANS")])
q("alias", "What do we know about Downadup?", [one("Conficker")])
q("alias", "Which group is also known as Bluenoroff?", [one("APT38")])
q("alias", "What is Ghost Push?", [one("Gooligan")])
q("alias", "Tell me about sKyWIper.", [one("Flame")])
q("alias", "Who is Palmetto Fusion?", [one("ALLANITE")])
q("alias", "What does the ExPetr malware do?", [one("NotPetya")])

# One hop.
q("graph", "Which techniques does EKANS use?", uses("EKANS"))
q("graph", "Which groups use KillDisk?", inn(one("KillDisk"), "uses", "intrusion-set"))
q("graph", "What techniques does Bread use on Android?", uses("Bread"))
q("graph", "Which techniques does Asacub use?", uses("Asacub"))
q("graph", "Which mitigations apply to Modify Controller Tasking?", inn(ext("T0821"), "mitigates", "course-of-action"))
q("graph", "Which assets can Brute Force I/O target?", out(ext("T0806"), "targets", "x-mitre-asset"))
q("graph", "Which vulnerabilities does the th3bug campaign target?", out(one("th3bug"), "targets", "vulnerability"))
q("graph", "What malware does the Ugly Gorilla threat actor use?", out(one("Ugly Gorilla"), "uses", "malware"))

# Two hops.
q("graph2", "What mitigations apply to the techniques EKANS uses?",
  hop2(uses("EKANS"), "mitigates", "course-of-action", "in"))
q("graph2", "Which data components detect the techniques used by Industroyer2?",
  hop2(uses("Industroyer2"), "detects", "x-mitre-data-component", "in"))
q("graph2", "Which assets are targeted by the techniques Triton uses?",
  hop2(uses("Triton"), "targets", "x-mitre-asset", "out"))
q("graph2", "What mitigations counter the techniques that Asacub uses?",
  hop2(uses("Asacub"), "mitigates", "course-of-action", "in"))
q("graph2", "Which data components would detect the techniques of Backdoor.Oldrea?",
  hop2(uses("Backdoor.Oldrea"), "detects", "x-mitre-data-component", "in"))
q("graph2", "Which vulnerabilities do the attack patterns of the admin@338 campaign target?",
  hop2(out(one("admin@338"), "uses", "attack-pattern"), "targets", "vulnerability", "out"))

# Descriptions.
q("text", "Which technique changes the operating mode of a controller so that programs can be downloaded?", [ext("T0858")])
q("text", "How do adversaries stop command messages from reaching field devices?", [ext("T0803")])
q("text", "Which mobile technique takes screenshots of the device's display?", [ext("T1513")])
q("text", "Which APT1 tools steal email from Outlook archives or Exchange servers?", [one("GETMAIL"), one("MAPIGET")])
q("text", "Which malware exploited the SMBv1 EternalBlue vulnerability to spread as ransomware?", [one("WannaCry"), one("NotPetya")])

# No answer in the data.
q("none", "Which GoAnywhere MFT servers did Cl0p exploit?", [])
q("none", "Which Okta support accounts did LAPSUS$ take over?", [])
q("none", "Which Ivanti Connect Secure flaws did UNC5221 chain together?", [])
q("none", "How did Salt Typhoon break into the routers of telecom carriers?", [])
q("none", "Where is the leak site of the Rhysida ransomware?", [])

for x in Q:
    print(x["id"], x["kind"], len(x["answers"]), x["question"], [objs[a].get("name") for a in x["answers"]][:6])
about = ("Held-out questions, written after the constants of retrieval were chosen on questions.json and never "
         "tuned on, over the same data (see EvalBundles) and in the same format. answers are the STIX ids that "
         "answer each question: for graph kinds the live (neither revoked nor deprecated) objects reached by live "
         "relationships of the named kind; for text kinds those whose descriptions answer it. ATT&CK (c) The MITRE "
         "Corporation, used under the ATT&CK terms of use; OASIS examples BSD-3-Clause.")
json.dump({"about": about, "questions": Q}, open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "questions_heldout.json"), "w"), indent=1)
print("wrote questions_heldout.json", file=sys.stderr)
