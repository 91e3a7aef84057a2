// Integration tests drive real servers and agents: minutes, not the unit default of 5 s.
jest.setTimeout(240_000);
