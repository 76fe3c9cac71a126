"""What the CLI shows: one module per concept, and :mod:`course.render.format` for the
formatters they share.

Importing the package imports none of its modules, so a command loads only the renderers it
uses. :mod:`~course.render.format`, :mod:`~course.render.study`,
:mod:`~course.render.timer`, :mod:`~course.render.goals` and :mod:`~course.render.questions`
import rich only inside the functions that build rich objects, so ``course log``,
``course start`` and ``course question add`` start without it.

Text from the student (topics, notes, titles, retro items, questions) reaches rich as
:class:`rich.text.Text`, never as markup, so square brackets are shown as typed.
"""
