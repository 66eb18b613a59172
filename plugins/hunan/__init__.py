"""Hunan (湖南省) region plugin: 14 市州 plus admin-entered 省直管试点县（市）, the 2024 provincial
creation-plan round (seed 000) and the 2025 national round (seed 001). See README.md."""
