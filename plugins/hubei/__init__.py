"""Hubei (湖北省) region plugin: 鄂经信办节能〔2022〕8号, 湖北省绿色制造体系建设实施方案 (2022—2025年).

Rules are data in :mod:`plugins.hubei.rules`; :mod:`plugins.hubei.plugin` holds the hooks.
See README.md for what differs from the national rules.
"""
