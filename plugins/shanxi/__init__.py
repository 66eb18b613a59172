"""Shanxi (山西省) region plugin: 《绿色工厂梯度培育及管理实施细则》 (晋工信节能规字〔2024〕3号).

Seed: 004_7a8ddd82f611ab67.txt. Rules are data in :mod:`plugins.shanxi.rules` and
:mod:`plugins.shanxi.forms`; :mod:`plugins.shanxi.plugin` holds the hook implementations.
"""
