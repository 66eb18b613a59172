"""National (MIIT) rules: the baseline every region plugin builds on."""
