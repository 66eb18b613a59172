"""Jiangxi (江西省) region plugin: 赣工信办节能函〔2024〕20号 (seed 003_a3fa60aeba77aa34.txt)."""
