"""Development tools, kept out of the core package: the synthetic corpus generator and the accuracy scorer
(``jixiao_dev.synth``), behind ``jixiao synth`` and ``jixiao accuracy``. The core (``jixiao``) never imports them."""
