"""Time, money and figures: the time log, payers and contracts, monthly statements,
the overview of work done, and the programme's figures and charts.

The modules in the middle (timelog, payers, statements, figures, overview) are pure
functions over plain data; `service` opens the register and writes files.
"""
