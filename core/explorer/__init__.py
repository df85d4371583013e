"""The explorer: finds the interleaving that breaks a worker loop, or shows there is none.

model   a run as threads that move one queue operation at a time (ModelRun)
search  exhaustive depth-first search with visited states, and PCT sampling
shrink  the shortest schedule that fails the same way
confirm the found schedule replayed on real processes through the step gate
command the `explore` command line
"""
