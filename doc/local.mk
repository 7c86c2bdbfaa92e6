# Documentation shipped in the tarball and installed under $(docdir).
dist_doc_DATA += doc/protocol.md doc/runtime.md doc/idl.md \
	doc/architecture.md doc/performance.md doc/perf-ratios.png \
	doc/perf-latency.png
dist_man_MANS = doc/idlc.1
