"""Project settings of spaceflights, read by kedro-nb and by Kedro.

Kedro's settings apply (HOOKS, CONF_SOURCE, CONFIG_LOADER_ARGS, ...); kedro-nb
honours the subset its documentation lists and warns about the others.
"""
