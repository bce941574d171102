"""The add-on's rules, as plain functions: ``addon`` (activation), ``resolve``, ``apply``,
``usage`` (metering and statements), ``sync`` (resolve → fetch → apply → meter)."""
