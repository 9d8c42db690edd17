DROP TABLE tenant_signal_pins;
DROP TABLE tenant_signal_build_parts;
DROP TABLE tenant_signal_builds;
