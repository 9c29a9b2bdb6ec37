import { describe, expect, it } from 'vitest';
import { TransferMeter } from './transfer-meter.ts';

describe('TransferMeter', () => {
	it('waits for enough time before giving a speed', () => {
		const meter = new TransferMeter(1_000_000);
		expect(meter.update(0, 0)).toMatchObject({ fraction: 0, bytesPerSecond: null, secondsLeft: null });
		expect(meter.update(10_000, 100).bytesPerSecond).toBeNull();
	});

	it('gives the speed and the time left', () => {
		const meter = new TransferMeter(1_000_000);
		meter.update(0, 0);
		const progress = meter.update(100_000, 1_000);
		expect(progress.fraction).toBeCloseTo(0.1);
		expect(progress.bytesPerSecond).toBe(100_000);
		expect(progress.secondsLeft).toBe(9);
	});

	it('measures over the recent window only', () => {
		const meter = new TransferMeter(10_000_000, 2_000);
		meter.update(0, 0);
		meter.update(5_000_000, 1_000); // a fast start
		meter.update(5_250_000, 3_500);
		const progress = meter.update(5_300_000, 4_000); // then 100 kB/s
		expect(progress.bytesPerSecond).toBe(100_000);
		expect(progress.secondsLeft).toBe(47);
	});

	it('says nothing is left at the end, even when stalled', () => {
		const meter = new TransferMeter(500);
		meter.update(0, 0);
		expect(meter.update(500, 10)).toMatchObject({ fraction: 1, secondsLeft: 0 });
		expect(new TransferMeter(0).update(0, 0).fraction).toBe(1);
	});
});
