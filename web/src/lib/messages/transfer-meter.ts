// Progress of an upload as a person reads it: share done, speed over the last seconds, and
// time left. Fed with (bytes sent, time) samples by whatever transport sends the files.

export interface TransferProgress {
	loaded: number;
	total: number;
	/** 0 to 1. */
	fraction: number;
	/** Over the recent window; null until there is enough to say. */
	bytesPerSecond: number | null;
	secondsLeft: number | null;
}

interface Sample {
	at: number;
	loaded: number;
}

/** Measures speed over a sliding window, so a stall or a burst shows within seconds. */
export class TransferMeter {
	private samples: Sample[] = [];

	constructor(
		private readonly total: number,
		private readonly windowMs = 5_000,
		/** Below this span the speed is noise. */
		private readonly minSpanMs = 500
	) {}

	update(loaded: number, at: number): TransferProgress {
		const bounded = Math.min(Math.max(loaded, 0), this.total);
		this.samples.push({ at, loaded: bounded });
		// keep one sample at or before the window's start, so the window stays covered
		while (this.samples.length > 2 && this.samples[1]!.at <= at - this.windowMs) this.samples.shift();

		const first = this.samples[0]!;
		const span = at - first.at;
		const bytesPerSecond = span >= this.minSpanMs ? ((bounded - first.loaded) * 1000) / span : null;
		const left = this.total - bounded;
		const secondsLeft =
			left === 0 ? 0 : bytesPerSecond !== null && bytesPerSecond > 0 ? left / bytesPerSecond : null;
		return {
			loaded: bounded,
			total: this.total,
			fraction: this.total > 0 ? bounded / this.total : 1,
			bytesPerSecond,
			secondsLeft
		};
	}
}
