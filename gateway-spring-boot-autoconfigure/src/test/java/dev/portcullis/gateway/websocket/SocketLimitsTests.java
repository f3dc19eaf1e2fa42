package dev.portcullis.gateway.websocket;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.portcullis.contract.ErrorCodes;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class SocketLimitsTests {

	private final SocketLimits limits = new SocketLimits(2, 3);

	@Test
	void admitWhenUserAtCapThenTooManySocketsAndNothingHeld() {
		this.limits.admit("alice");
		this.limits.admit("alice");
		assertThatExceptionOfType(SocketRefusedException.class).isThrownBy(() -> this.limits.admit("alice"))
			.satisfies((refused) -> assertThat(refused.code()).isEqualTo(ErrorCodes.TOO_MANY_SOCKETS))
			.satisfies((refused) -> assertThat(refused.retryAfter()).isPositive());
		assertThat(this.limits.openBy("alice")).isEqualTo(2);
		assertThat(this.limits.open()).isEqualTo(2);
	}

	@Test
	void admitWhenUserAtCapThenOtherUserStillAdmitted() {
		this.limits.admit("alice");
		this.limits.admit("alice");
		this.limits.admit("bob");
		assertThat(this.limits.openBy("bob")).isEqualTo(1);
	}

	@Test
	void admitWhenGatewayAtCapThenSocketsExhaustedAndNothingHeld() {
		this.limits.admit("alice");
		this.limits.admit("bob");
		this.limits.admit(null);
		assertThatExceptionOfType(SocketRefusedException.class).isThrownBy(() -> this.limits.admit("carol"))
			.satisfies((refused) -> assertThat(refused.code()).isEqualTo(ErrorCodes.SOCKETS_EXHAUSTED));
		assertThatExceptionOfType(SocketRefusedException.class).isThrownBy(() -> this.limits.admit(null));
		assertThat(this.limits.open()).isEqualTo(3);
		assertThat(this.limits.openBy("carol")).isZero();
		assertThat(this.limits.users()).isEqualTo(2);
	}

	@Test
	void releaseWhenLastSocketOfUserThenEntryRemoved() {
		SocketLimits.Permit first = this.limits.admit("alice");
		SocketLimits.Permit second = this.limits.admit("alice");
		first.release();
		assertThat(this.limits.openBy("alice")).isEqualTo(1);
		second.release();
		assertThat(this.limits.users()).isZero();
		assertThat(this.limits.open()).isZero();
	}

	@Test
	void releaseWhenCalledTwiceThenCountedOnce() {
		SocketLimits.Permit first = this.limits.admit("alice");
		this.limits.admit("alice");
		first.release();
		first.release();
		assertThat(this.limits.openBy("alice")).isEqualTo(1);
		assertThat(this.limits.open()).isEqualTo(1);
	}

	@Test
	void releaseWhenSocketClosedThenUserMayOpenAnother() {
		this.limits.admit("alice");
		this.limits.admit("alice").release();
		assertThat(this.limits.admit("alice")).isNotNull();
		assertThat(this.limits.openBy("alice")).isEqualTo(2);
	}

	@Test
	void admitWhenManyThreadsRaceThenNeverPastEitherCapAndAllReleased() throws Exception {
		SocketLimits shared = new SocketLimits(5, 40);
		ExecutorService pool = Executors.newFixedThreadPool(8);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<Integer>> results = new ArrayList<>();
			for (int t = 0; t < 8; t++) {
				String user = "user-" + (t % 4);
				results.add(pool.submit(() -> {
					start.await();
					int admitted = 0;
					for (int i = 0; i < 2_000; i++) {
						SocketLimits.Permit permit;
						try {
							permit = shared.admit(user);
						}
						catch (SocketRefusedException refused) {
							continue;
						}
						admitted++;
						assertThat(shared.openBy(user)).isBetween(1, 5);
						assertThat(shared.open()).isBetween(1, 40);
						permit.release();
					}
					return admitted;
				}));
			}
			start.countDown();
			int admitted = 0;
			for (Future<Integer> result : results) {
				admitted += result.get(30, TimeUnit.SECONDS);
			}
			assertThat(admitted).isPositive();
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(shared.open()).isZero();
		assertThat(shared.users()).isZero();
	}

}
