"""The administrator's pages of a cycle: its progress and late agencies, its transitions
confirmed with their consequences counted, and the bulk work on its submissions. They show
and act on the submissions, the dataset and the mail of a cycle, so they sit above those
parts; the views are the cycles blueprint's (`app.cycles.bp`), at the same addresses."""
