package dev.portcullis.testsupport;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/** Drops the run's database when the test run ends, whatever its outcome. */
public final class DropTestDatabase implements LauncherSessionListener {

	@Override
	public void launcherSessionClosed(LauncherSession session) {
		TestDatabase.dropIfCreated();
	}

}
