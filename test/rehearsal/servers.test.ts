import { serverFor } from '../../lib/program/rehearsal/servers';

describe('the server an environment is rehearsed on (the rehearsal tier)', () => {
  test("runs on the target's own server when the matrix has it with its controllers", () => {
    expect(serverFor('1.31', ['1.31', '1.37'], ['1.31', '1.37'])).toEqual({ server: '1.31', reason: '' });
  });

  test('falls back to the nearest server with its controllers, and says why', () => {
    // GIVEN a target between the servers, the nearer one without its controller pair (today's matrix)
    expect(serverFor('1.33', ['1.31', '1.37'], ['1.37'])).toEqual({
      server: '1.37',
      reason:
        '1.33 is not in the matrix (1.31, 1.37); the nearest server, 1.31, has no kube-controller-manager/kube-scheduler built: ' +
        'the nearest server with its controllers',
    });
    expect(serverFor('1.33', ['1.31', '1.37'], ['1.31', '1.37']).server).toBe('1.31');
    expect(serverFor('1.34', ['1.31', '1.37'], ['1.31', '1.37']).server).toBe('1.37'); // a tie: the newer
    expect(serverFor('1.31', ['1.31', '1.37'], ['1.37']).reason).toContain(
      '1.31 is in the matrix but its kube-controller-manager/kube-scheduler are not built',
    );
    expect(serverFor(undefined, ['1.31', '1.37'], ['1.37']).server).toBe('1.37');
  });

  test('refuses a matrix without any controller pair', () => {
    expect(() => serverFor('1.33', ['1.31'], ['1.37'])).toThrow('no server of the matrix (1.31) has its controller pair built (1.37)');
  });
});
