# Documentation shipped in the tarball and installed under $(docdir).
dist_doc_DATA += doc/protocol.md doc/runtime.md doc/idl.md \
	doc/architecture.md doc/performance.md
dist_man_MANS = doc/idlc.1
